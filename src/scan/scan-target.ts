/**
 * scan: target → ScanResult. Inventories the target, matches it against the
 * advisory database (opened read-only), applies VEX statements and the
 * severity / unfixed filters. Matching is timed as its own stage ('match').
 *
 * Without a database the scan does not fail: the result carries the inventory,
 * no findings, `database.status: 'missing'` and a message saying how to get one
 * (`bulkhead db update` or `bulkhead db import`), so an offline first run still
 * shows what is inside the image.
 */
import type { AdvisoryIndex } from '../domain/advisory.js';
import type { Finding } from '../domain/finding.js';
import type { Inventory } from '../domain/inventory.js';
import { SEVERITY_LEVELS, type SeverityLevel } from '../domain/severity.js';
import { applyVex, matchInventory, readVexFile, type UnmatchedPackage, type VexStatement } from '../match/index.js';
import { inventory, type InventoryOptions } from './inventory-target.js';
import { openAdvisoryDatabase, type OpenedDatabase } from './open-advisory-database.js';
import type { Target } from './target.js';

export interface ScanOptions extends InventoryOptions {
  /** Advisory database file; default BULKHEAD_DB or the user's cache dir. */
  readonly db?: string;
  /** Match against this index instead of opening a database (library users, tests). */
  readonly index?: AdvisoryIndex;
  /** Keep only findings of these severities. */
  readonly severities?: readonly SeverityLevel[];
  /** Drop findings without a fixed version. */
  readonly ignoreUnfixed?: boolean;
  /** OpenVEX or CycloneDX VEX files. */
  readonly vex?: readonly string[];
}

export interface DatabaseInfo {
  readonly status: 'ok' | 'missing' | 'supplied';
  readonly path?: string;
  readonly message?: string;
}

export interface ScanSummary {
  /** Unsuppressed findings after filters, by severity. */
  readonly bySeverity: Readonly<Record<SeverityLevel, number>>;
  readonly total: number;
  readonly suppressed: number;
  readonly fixable: number;
}

export interface ScanResult {
  readonly schema: 'bulkhead.scan/v1';
  readonly inventory: Inventory;
  /** After filters; VEX-suppressed findings stay, marked `suppressed`. */
  readonly findings: readonly Finding[];
  readonly unmatched: readonly UnmatchedPackage[];
  /** False when no advisory database was available: findings were not evaluated. */
  readonly evaluated: boolean;
  readonly advisorySnapshot?: string;
  readonly database: DatabaseInfo;
  readonly filters: { readonly severities?: readonly SeverityLevel[]; readonly ignoreUnfixed: boolean; readonly vex: readonly string[] };
  readonly summary: ScanSummary;
  readonly timings: { readonly inventoryMs: number; readonly matchMs: number };
}

export const NO_DATABASE_MESSAGE = 'no advisory database at %s: vulnerabilities were not evaluated; run "bulkhead db update" (or "bulkhead db import PATH…" offline), or pass --db FILE';

export async function scan(target: string | Target, options: ScanOptions = {}): Promise<ScanResult> {
  // Read the VEX documents first: a bad one is bad input and should fail before a long inventory.
  const statements = await readVexStatements(options);
  const started = performance.now();
  const inv = await inventory(target, options);
  return scanInventory(inv, options, statements, performance.now() - started);
}

export async function readVexStatements(options: Pick<ScanOptions, 'vex'>): Promise<VexStatement[]> {
  const statements: VexStatement[] = [];
  for (const file of options.vex ?? []) statements.push(...(await readVexFile(file)));
  return statements;
}

/** The matching half of scan(): findings for an inventory already taken. */
export async function scanInventory(inv: Inventory, options: ScanOptions, statements: readonly VexStatement[], inventoryMs = 0): Promise<ScanResult> {
  let opened: OpenedDatabase | undefined;
  let index = options.index;
  let database: DatabaseInfo = { status: 'supplied' };
  if (!index) {
    opened = await openAdvisoryDatabase(options.db);
    if (opened.status === 'ok') {
      index = opened.index;
      database = { status: 'ok', path: opened.path };
    } else {
      database = { status: 'missing', path: opened.path, message: NO_DATABASE_MESSAGE.replace('%s', opened.path) };
    }
  }
  try {
    const matchStarted = performance.now();
    const matched = index ? matchInventory(inv, index) : undefined;
    const findings = filterFindings(applyVex(matched?.findings ?? [], statements, inv.image), options);
    const matchMs = performance.now() - matchStarted;
    options.onStage?.('match', matchMs);
    return {
      schema: 'bulkhead.scan/v1',
      inventory: inv,
      findings,
      unmatched: matched?.unmatched ?? [],
      evaluated: index !== undefined,
      ...(index ? { advisorySnapshot: index.snapshot } : {}),
      database,
      filters: {
        ...(options.severities ? { severities: options.severities } : {}),
        ignoreUnfixed: options.ignoreUnfixed ?? false,
        vex: options.vex ?? [],
      },
      summary: summarize(findings),
      timings: { inventoryMs, matchMs },
    };
  } finally {
    if (opened?.status === 'ok') opened.close();
  }
}

export function filterFindings(findings: readonly Finding[], options: Pick<ScanOptions, 'severities' | 'ignoreUnfixed'>): Finding[] {
  const severities = options.severities ? new Set(options.severities) : undefined;
  return findings.filter((f) => (!severities || severities.has(f.severity)) && (!options.ignoreUnfixed || f.fixedVersions.length > 0));
}

export function summarize(findings: readonly Finding[]): ScanSummary {
  const bySeverity = Object.fromEntries(SEVERITY_LEVELS.map((l) => [l, 0])) as Record<SeverityLevel, number>;
  let suppressed = 0;
  let fixable = 0;
  for (const f of findings) {
    if (f.suppressed) {
      suppressed++;
      continue;
    }
    bySeverity[f.severity]++;
    if (f.fixedVersions.length > 0) fixable++;
  }
  return { bySeverity, total: findings.length - suppressed, suppressed, fixable };
}
