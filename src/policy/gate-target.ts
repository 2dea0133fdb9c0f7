/**
 * The whole assessment of one target, as the CI gate (and later the console
 * and enforcement points) needs it: inventory with the secret scan, image
 * configuration checks, vulnerability matching, the files the policy's rules
 * read, then the one decision from `evaluate`.
 */
import type { Decision } from '../domain/decision.js';
import type { Finding } from '../domain/finding.js';
import type { Subject, SubjectEnvironment, SubjectFile } from '../domain/subject.js';
import { inventoryWithChecks } from '../checks/inventory-with-checks.js';
import { runImageConfigChecks } from '../checks/image-config/run-image-config-checks.js';
import { readVexStatements, scanInventory, type ScanOptions, type ScanResult } from '../scan/scan-target.js';
import type { Target } from '../scan/target.js';
import { evaluate } from './evaluate.js';
import { compileGlob } from './glob.js';
import type { PolicySet } from './policy-set.js';
import { requiredFilePatterns } from './required-files.js';
import { subjectFromScan } from './subject-from-scan.js';

export interface GateOptions extends ScanOptions {
  readonly policy: PolicySet;
  readonly environment?: SubjectEnvironment;
  readonly namespace?: string;
  /** Evaluation time (exception expiry, grace periods); default now. */
  readonly now?: Date;
}

export interface GateResult {
  readonly scan: ScanResult;
  /** Secret and image-configuration findings (vulnerabilities are in scan.findings). */
  readonly checkFindings: readonly Finding[];
  /** What was evaluated (for `policy explain`'s traced re-evaluation). */
  readonly subject: Subject;
  readonly decision: Decision;
}

/** Largest file handed to application-configuration rules. */
const MAX_POLICY_FILE_BYTES = 1024 * 1024;

export async function gateTarget(target: string | Target, options: GateOptions): Promise<GateResult> {
  const statements = await readVexStatements(options);
  const patterns = requiredFilePatterns(options.policy).map(compileGlob);
  const wanted = (p: string): boolean => patterns.some((re) => re.test(p));
  const started = performance.now();
  const checked = await inventoryWithChecks(target, { ...options, secrets: true, ...(patterns.length > 0 ? { extraSelects: wanted } : {}) });
  const result = await scanInventory(checked.inventory, options, statements, performance.now() - started);
  const now = options.now ?? new Date();
  const image = checked.inventory.image;
  const configFindings = image ? runImageConfigChecks({ image, ...(checked.tree ? { tree: checked.tree } : {}), now }) : [];

  const files: Record<string, SubjectFile> = {};
  if (checked.tree && patterns.length > 0) {
    for (const entry of checked.tree.entries()) {
      if (entry.type !== 'file' || !wanted(entry.path) || !checked.tree.readable(entry.path)) continue;
      const content = await checked.tree.read(entry.path, MAX_POLICY_FILE_BYTES).catch(() => undefined);
      if (content) files[entry.path] = { content: content.toString('utf8'), ...(entry.layer ? { layer: entry.layer } : {}) };
    }
  }
  const checkFindings = [...checked.findings, ...configFindings];
  const subject = subjectFromScan(
    { inventory: checked.inventory, findings: [...result.findings, ...checkFindings], ...(result.advisorySnapshot ? { advisorySnapshot: result.advisorySnapshot } : {}), files },
    { ...(options.environment ? { environment: options.environment } : {}), ...(options.namespace ? { namespace: options.namespace } : {}) },
  );
  return { scan: result, checkFindings, subject, decision: evaluate(options.policy, subject, now) };
}
