/**
 * vitest globalSetup of the 'integration' project: starts the real services
 * once for all integration test files and provides their facts under
 * 'bulkheadIntegration' (see support/integration-facts.ts).
 *
 * With CI=true a failure fails the run. Elsewhere it is recorded, and the
 * suites skip with the reason, so a laptop without root or dockerd still runs
 * the rest of `npm test`. BULKHEAD_SKIP_INTEGRATION=1 skips on purpose
 * (ignored in CI).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import './support/integration-facts.js';
import { missingPrerequisite, startIntegrationServices } from './support/integration-services.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  const ci = process.env.CI === 'true';
  const unavailable = (reason: string): undefined => {
    process.stderr.write(`[integration] services unavailable, integration tests will skip: ${reason}\n`);
    project.provide('bulkheadIntegration', { ready: false, reason });
    return undefined;
  };

  if (!ci && process.env.BULKHEAD_SKIP_INTEGRATION === '1') return unavailable('BULKHEAD_SKIP_INTEGRATION=1');
  const missing = await missingPrerequisite();
  if (missing) {
    if (ci) throw new Error(`integration services cannot start: ${missing}`);
    return unavailable(missing);
  }

  let services;
  try {
    services = await startIntegrationServices({ repoRoot });
  } catch (error) {
    if (ci) throw error;
    return unavailable(error instanceof Error ? error.message.split('\n')[0]! : String(error));
  }
  project.provide('bulkheadIntegration', services.facts);
  return services.stop;
}
