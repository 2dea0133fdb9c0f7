/**
 * `bulkhead scan dockerfile:PATH`: the Dockerfile lint findings with line
 * numbers, and with a policy the same decision engine's verdict on them.
 */
import { open } from 'node:fs/promises';
import type { Finding } from '../domain/finding.js';
import type { Decision } from '../domain/decision.js';
import { BadInputError } from '../domain/errors.js';
import type { SubjectEnvironment } from '../domain/subject.js';
import { lintDockerfile } from '../checks/dockerfile/lint-dockerfile.js';
import { evaluate } from '../policy/evaluate.js';
import type { PolicySet } from '../policy/policy-set.js';
import { renderDecisionText } from '../report/decision-report.js';
import { renderTable } from '../report/text-table.js';

const MAX_DOCKERFILE_BYTES = 4 * 1024 * 1024;

export async function scanDockerfile(
  path: string,
  format: string,
  policy: PolicySet | undefined,
  context: { environment?: SubjectEnvironment; namespace?: string },
): Promise<{ text: string; blocked: boolean }> {
  if (format !== 'table' && format !== 'json') throw new BadInputError(`dockerfile: targets support --format table or json, not ${format}`);
  const findings = lintDockerfile(await readBounded(path), path);
  const decision: Decision | undefined = policy ? evaluate(policy, { packages: [], findings, ...context, basis: {} }, new Date()) : undefined;
  const blocked = decision?.verdict === 'block';
  if (format === 'json') return { text: `${JSON.stringify({ schema: 'bulkhead.dockerfile/v1', path, findings, ...(decision ? { decision } : {}) }, null, 2)}\n`, blocked };
  const rows = findings.map((f: Finding) => [String(f.location?.line ?? ''), f.severity, f.id, f.summary ?? '']);
  const lines = [`Dockerfile: ${path}`, `Findings:   ${findings.length}`, ''];
  if (rows.length > 0) lines.push(renderTable(['LINE', 'SEVERITY', 'CHECK', 'ISSUE'], rows));
  if (decision) lines.push(renderDecisionText(decision, findings));
  return { text: lines.join('\n'), blocked };
}

async function readBounded(path: string): Promise<string> {
  const handle = await open(path, 'r').catch((error: NodeJS.ErrnoException) => {
    throw new BadInputError(`cannot read ${path}: ${error.code ?? error.message}`, { cause: error });
  });
  try {
    const { size } = await handle.stat();
    if (size > MAX_DOCKERFILE_BYTES) throw new BadInputError(`${path} is ${size} bytes; Dockerfiles over ${MAX_DOCKERFILE_BYTES} bytes are refused`);
    return (await handle.readFile()).toString('utf8');
  } finally {
    await handle.close();
  }
}
