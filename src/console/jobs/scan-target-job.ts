/**
 * The 'scan.target' job: pull an image from its registry and record its
 * assessment in the inventory. The target is always a registry reference
 * (never a path on the worker's disk); the credentials are those of the
 * watched registry the job names, or of the registered registry serving the
 * reference's host, else anonymous. With the console's advisory data at
 * hand the scan runs the active policy's gate (so the files its rules read
 * are collected); recordAssessment then matches and decides as for uploads.
 */
import { z } from 'zod';
import { isLoopbackRegistry, parseImageReference } from '../../image/sources/image-reference.js';
import type { ConsoleContext, JobHandler } from '../context.js';
import { buildAssessment } from '../inventory/build-assessment.js';
import { consoleAdvisoryIndex } from '../inventory/console-advisory-index.js';
import { recordAssessment, type ScanTargetJob } from '../inventory/image-assessment.js';
import { activePolicy } from '../policies/active-policy.js';
import { getRegistry, listRegistries, registryCredentials, registryDomain, type RegistryRow } from '../registries/registries.js';

export const scanTargetJobSchema = z.strictObject({
  target: z.string().min(1).max(1024).refine((t) => {
    try {
      parseImageReference(t);
      return true;
    } catch {
      return false;
    }
  }, 'not an image reference'),
  environment: z.string().min(1).max(100).optional(),
  registryId: z.string().min(1).max(64).optional(),
  requestedBy: z.string().min(1).max(300),
}) satisfies z.ZodType<ScanTargetJob>;

async function registryFor(ctx: ConsoleContext, job: ScanTargetJob, domain: string): Promise<RegistryRow | undefined> {
  if (job.registryId) {
    const r = await getRegistry(ctx.store, job.registryId);
    // Credentials go only to the host they belong to, whatever the payload says.
    if (r && registryDomain(r.url) === domain) return r;
  }
  return (await listRegistries(ctx.store)).find((r) => registryDomain(r.url) === domain);
}

export async function scanTarget(ctx: ConsoleContext, job: ScanTargetJob): Promise<{ digest: string; verdict: string; packages: number }> {
  const ref = parseImageReference(job.target);
  const registry = await registryFor(ctx, job, ref.domain);
  const credentials = registry ? registryCredentials(registry, ctx.config.secretKey) : {};
  // A registered registry says its scheme; an unregistered one gets Docker's rule (plain HTTP only on loopback).
  const insecure = registry ? new URL(registry.url).protocol === 'http:' : isLoopbackRegistry(ref.domain);
  const advisories = consoleAdvisoryIndex(ctx.config.advisoryDatabase);
  const policy = advisories.index ? (await activePolicy(ctx)).policy : undefined;
  const { assessment } = await buildAssessment({ kind: 'registry', value: job.target }, {
    insecure,
    ...credentials,
    ...(policy && advisories.index ? { policy, index: advisories.index } : {}),
  });
  const environment = job.environment ?? registry?.environment ?? undefined;
  const result = await recordAssessment(ctx, {
    assessment,
    reference: job.target,
    ...(ref.digest ? { digest: ref.digest } : {}),
    ...(environment ? { environment } : {}),
  }, { cause: { reason: 'scan' } });
  return { digest: result.digest, verdict: result.decision.verdict, packages: assessment.inventory.packages.length };
}

export function scanTargetHandler(ctx: ConsoleContext): JobHandler {
  return async (payload) => scanTarget(ctx, scanTargetJobSchema.parse(payload));
}
