/**
 * The console's inventory of images: how an uploaded assessment becomes
 * stored rows (images, tags, the inventory and its package index), and how a
 * stored image is (re-)decided — matched against the console's advisory data,
 * evaluated with the active policy, its findings diffed against what was
 * stored, each change recorded with its cause and published as an event.
 *
 * `recordAssessment` is the scan intake (uploads, the scan.target worker).
 * `assessImage` re-decides one stored image without pulling it: re-evaluation
 * after advisory updates, policy or exception changes, and policy dry runs.
 * `loadImageSubject` gives the policy Subject of a stored image.
 */
import { randomUUID } from 'node:crypto';
import { normalizePackageName } from '../../advisories/index.js';
import type { AdvisoryIndex } from '../../domain/advisory.js';
import type { Decision, Verdict } from '../../domain/decision.js';
import type { Finding } from '../../domain/finding.js';
import { SEVERITY_LEVELS } from '../../domain/severity.js';
import type { Subject } from '../../domain/subject.js';
import { matchInventory } from '../../match/index.js';
import { evaluate, type PolicySet } from '../../policy/index.js';
import type { ConsoleContext, ConsoleEvent } from '../context.js';
import { activePolicy } from '../policies/active-policy.js';
import { assessmentSchema, findingSchema, type ImageAssessment } from './assessment-document.js';
import { consoleAdvisoryIndex } from './console-advisory-index.js';
import { findingKey } from './finding-key.js';
import { imageIdentity } from './image-identity.js';
import { parseRepositories, recordImageTags } from './record-image-tags.js';
import { documentMac, loadStoredImage, loadStoredImages, subjectOfStoredImage, type StoredImage } from './stored-image.js';

export { ASSESSMENT_SCHEMA, assessmentSchema, findingSchema, parseAssessmentText, type ImageAssessment } from './assessment-document.js';

/** Why an image was (re-)decided; stored with every change (image_changes.cause). */
export interface ChangeCause {
  /** 'new-name': a registry showed a stored digest under a repository it was not known by (rule scopes may now apply). */
  readonly reason: 'scan' | 'advisory-update' | 'policy-change' | 'exception-change' | 'new-name';
  /** Advisory ids behind an advisory update. */
  readonly advisories?: readonly string[];
  readonly snapshot?: string;
  readonly policyVersion?: string;
}

/** What CI (or the scan worker) hands the console for one image. */
export interface AssessmentUpload {
  readonly assessment: ImageAssessment;
  /** How the image was referred to: 'registry/repo:tag' (also 'repo:tag', 'repo@sha256:…'). */
  readonly reference?: string;
  /** Manifest digest; default the inventory's manifest digest, else its config digest, else the inventory id. */
  readonly digest?: string;
  readonly environment?: string;
}

/** Payload of the 'scan.target' job: the console's workers pull and scan the target, then call recordAssessment. */
export interface ScanTargetJob {
  /** 'registry/repo:tag' or 'registry/repo@sha256:…' (no transport prefix: it is pulled from its registry). */
  readonly target: string;
  readonly environment?: string;
  /** Registry id when the scan came from a registry's schedule or webhook (its credentials apply). */
  readonly registryId?: string;
  /** Who asked: 'token:ci-main', 'registry:hub', … */
  readonly requestedBy: string;
}

export const SCAN_TARGET_JOB = 'scan.target';

export interface FindingChange {
  readonly key: string;
  readonly kind: string;
  readonly id: string;
  readonly severity: string;
  readonly aliases: readonly string[];
  readonly package?: { readonly ecosystem: string; readonly name: string; readonly version: string };
}

export interface AssessImageOptions {
  /** Advisory data to match against; undefined = none available (zero vulnerability findings, a health problem). */
  readonly advisoryIndex: AdvisoryIndex | undefined;
  readonly policy: PolicySet;
  readonly cause: ChangeCause;
  /** Compute without storing anything or publishing events (policy dry runs). */
  readonly dryRun?: boolean;
  /** Evaluation time; default ctx.now(). */
  readonly now?: Date;
}

export interface ImageAssessmentResult {
  readonly digest: string;
  readonly decision: Decision;
  readonly previousVerdict: Verdict | null;
  /** Every finding now: vulnerabilities matched here plus the stored check findings. */
  readonly findings: readonly Finding[];
  readonly newFindings: readonly FindingChange[];
  readonly resolvedFindings: readonly FindingChange[];
  readonly verdictChanged: boolean;
  /** Health problems met on the way: no advisory database, zero packages. */
  readonly problems: readonly string[];
  readonly stored: boolean;
}

export interface RecordOptions {
  /** Overrides the upload's environment. */
  readonly environment?: string;
  readonly cause: ChangeCause;
}

/** Rows per INSERT: under SQLite's 32,766 and PostgreSQL's 65,535 bound parameters at every table's width. */
const CHUNK = 500;

function chunks<T>(list: readonly T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

const OS_ECOSYSTEMS = new Set(['deb', 'apk', 'rpm']);

/** Stores an uploaded assessment and decides the image; returns the decision CI gates on. */
export async function recordAssessment(ctx: ConsoleContext, upload: AssessmentUpload, options: RecordOptions): Promise<ImageAssessmentResult> {
  // Validated here whoever calls (routes validate uploads too): the stored document's MAC vouches for it from now on.
  const assessment: ImageAssessment = assessmentSchema.parse(upload.assessment);
  const inv = assessment.inventory;
  const identity = imageIdentity(inv, upload);
  const now = ctx.now().toISOString();
  const environment = options.environment ?? upload.environment ?? null;
  const document = JSON.stringify(assessment);
  const document_mac = documentMac(ctx.config.secretKey, document);
  const labels = JSON.stringify(inv.image?.config.labels ?? {});

  await ctx.store.db.transaction().execute(async (trx) => {
    const stored = await trx.selectFrom('inventories').select(['document']).where('id', '=', inv.id).executeTakeFirst();
    if (stored?.document !== document) {
      // Same id, other content (files for another policy, a re-upload): the newest upload wins, package index included.
      if (stored) {
        await trx.updateTable('inventories').set({ document, document_mac, package_count: inv.packages.length, created_at: now }).where('id', '=', inv.id).execute();
        await trx.deleteFrom('inventory_packages').where('inventory_id', '=', inv.id).execute();
      } else {
        await trx.insertInto('inventories').values({ id: inv.id, document, document_mac, package_count: inv.packages.length, created_at: now }).execute();
      }
      const rows = inv.packages.map((p) => ({
        inventory_id: inv.id,
        ecosystem: p.ecosystem,
        name_key: normalizePackageName(p.ecosystem, p.name),
        name: p.name,
        version: p.version,
        purl: p.purl || null,
        source_name: OS_ECOSYSTEMS.has(p.ecosystem) ? (p.source?.name ?? p.name) : null,
      }));
      for (const part of chunks(rows)) await trx.insertInto('inventory_packages').values(part).execute();
    }

    const existing = await trx.selectFrom('images').select(['repositories', 'environment']).where('digest', '=', identity.digest).executeTakeFirst();
    if (existing) {
      const repositories = [...new Set([...identity.repositories, ...parseRepositories(existing.repositories)])];
      await trx
        .updateTable('images')
        .set({
          ...(identity.registry ? { registry: identity.registry } : {}),
          repositories: JSON.stringify(repositories),
          labels,
          environment: environment ?? existing.environment,
          last_seen: now,
          inventory_id: inv.id,
          package_count: inv.packages.length,
        })
        .where('digest', '=', identity.digest)
        .execute();
    } else {
      await trx
        .insertInto('images')
        .values({
          digest: identity.digest,
          registry: identity.registry,
          repositories: JSON.stringify(identity.repositories),
          labels,
          environment,
          first_seen: now,
          last_seen: now,
          inventory_id: inv.id,
          package_count: inv.packages.length,
          verdict: null,
          decision: null,
          advisory_snapshot: null,
          evaluated_at: null,
        })
        // Two uploads of one new image at once: the second becomes an update of last_seen.
        .onConflict((oc) => oc.column('digest').doUpdateSet({ last_seen: now, inventory_id: inv.id, package_count: inv.packages.length }))
        .execute();
    }
    await recordImageTags(trx, identity.digest, identity.tags, now);
  });

  const result = await decideStoredImage(ctx, identity.digest, options.cause);
  if (!result) throw new Error(`image ${identity.digest} vanished while it was being recorded`);
  return result;
}

/** Decides one stored image now, with the console's advisory data and active policy; undefined when the digest is not stored. */
export async function decideStoredImage(ctx: ConsoleContext, digest: string, cause: ChangeCause): Promise<ImageAssessmentResult | undefined> {
  const advisories = consoleAdvisoryIndex(ctx.config.advisoryDatabase);
  const active = await activePolicy(ctx);
  const result = await assessImage(ctx, digest, {
    advisoryIndex: advisories.index,
    policy: active.policy,
    cause: { ...cause, ...(advisories.index ? { snapshot: advisories.index.snapshot } : {}), policyVersion: `${active.name}@${active.version}` },
  });
  if (result && advisories.problem) return { ...result, problems: [advisories.problem, ...result.problems.filter((p) => p !== NO_ADVISORIES)] };
  return result;
}

/** The policy Subject of a stored image, with its stored findings; undefined when unknown. */
export async function loadImageSubject(ctx: ConsoleContext, digest: string): Promise<Subject | undefined> {
  const image = await loadStoredImage(ctx.store, digest, { secretKey: ctx.config.secretKey });
  if (!image) return undefined;
  const rows = await ctx.store.db.selectFrom('findings').select('document').where('digest', '=', digest).orderBy('key').execute();
  const findings = rows.flatMap((r) => {
    const parsed = findingSchema.safeParse(safeJson(r.document));
    return parsed.success ? [parsed.data as Finding] : [];
  });
  return subjectOfStoredImage(image, findings, image.row.advisory_snapshot ?? undefined);
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

const NO_ADVISORIES = 'no advisory data: vulnerabilities were not matched';
const ZERO_PACKAGES = 'the scan found zero packages: an image without any package is usually a failed inventory';

function changeOf(key: string, f: Pick<Finding, 'kind' | 'id' | 'severity' | 'aliases' | 'package'>): FindingChange {
  return {
    key,
    kind: f.kind,
    id: f.id,
    severity: f.severity,
    aliases: f.aliases,
    ...(f.package ? { package: { ecosystem: f.package.ecosystem, name: f.package.name, version: f.package.version } } : {}),
  };
}

interface StoredFindingRow {
  digest?: string;
  key: string;
  kind: string;
  finding_id: string;
  severity: string;
  package_name: string | null;
  package_version: string | null;
  ecosystem: string | null;
  document: string;
}

function changeOfRow(r: StoredFindingRow): FindingChange {
  const doc = safeJson(r.document) as { aliases?: unknown } | undefined;
  const aliases = Array.isArray(doc?.aliases) ? doc.aliases.filter((a): a is string => typeof a === 'string') : [];
  return {
    key: r.key,
    kind: r.kind,
    id: r.finding_id,
    severity: r.severity,
    aliases,
    ...(r.package_name !== null && r.package_version !== null && r.ecosystem !== null
      ? { package: { ecosystem: r.ecosystem, name: r.package_name, version: r.package_version } }
      : {}),
  };
}

/** Re-matches and re-evaluates one stored image; stores and publishes the changes unless dryRun. undefined when unknown. */
export async function assessImage(ctx: ConsoleContext, digest: string, options: AssessImageOptions): Promise<ImageAssessmentResult | undefined> {
  const { results, failed } = await assessImages(ctx, [{ digest, cause: options.cause }], options);
  if (failed[0]) throw failed[0].error;
  return results[0];
}

export interface AssessItem {
  readonly digest: string;
  readonly cause: ChangeCause;
}

export interface AssessImagesResult {
  /** One per known digest, in the order given (unknown digests are left out). */
  readonly results: readonly ImageAssessmentResult[];
  /** Images whose stored document could not be read; the others were decided all the same. */
  readonly failed: readonly { readonly digest: string; readonly error: Error }[];
}

interface Decided {
  readonly image: StoredImage;
  readonly cause: ChangeCause;
  readonly result: ImageAssessmentResult;
  readonly current: Map<string, Finding>;
  readonly added: readonly [string, Finding][];
  readonly updated: readonly [string, string][];
  readonly removedKeys: readonly string[];
}

/**
 * The bulk form of assessImage: many stored images re-matched and
 * re-evaluated with the same advisory data and policy, each with its own
 * cause. Reads in a few queries, writes every change in one transaction
 * (images whose findings and verdict did not change only get their
 * snapshot and evaluation time), publishes the events after it commits.
 */
export async function assessImages(ctx: ConsoleContext, items: readonly AssessItem[], options: Omit<AssessImageOptions, 'cause'>): Promise<AssessImagesResult> {
  const loaded = await loadStoredImages(ctx.store, items.map((i) => i.digest), { secretKey: ctx.config.secretKey });
  const at = options.now ?? ctx.now();
  const now = at.toISOString();
  const index = options.advisoryIndex;
  const failed: { digest: string; error: Error }[] = [];
  const images: { image: StoredImage; cause: ChangeCause }[] = [];
  const seen = new Set<string>();
  for (const item of items) {
    const image = loaded.get(item.digest);
    if (!image || seen.has(item.digest)) continue;
    seen.add(item.digest);
    if (image instanceof Error) failed.push({ digest: item.digest, error: image });
    else images.push({ image, cause: item.cause });
  }
  const storedByDigest = new Map<string, StoredFindingRow[]>();
  for (const part of chunks(images.map((i) => i.image.row.digest))) {
    const rows = await ctx.store.db
      .selectFrom('findings')
      .select(['digest', 'key', 'kind', 'finding_id', 'severity', 'package_name', 'package_version', 'ecosystem', 'document'])
      .where('digest', 'in', part)
      .execute();
    for (const r of rows) {
      const list = storedByDigest.get(r.digest);
      if (list) list.push(r);
      else storedByDigest.set(r.digest, [r]);
    }
  }

  const decided: Decided[] = [];
  for (const { image, cause } of images) {
    try {
      decided.push(decide(image, cause, storedByDigest.get(image.row.digest) ?? [], index, options.policy, at, !options.dryRun));
    } catch (error) {
      // A document that validates yet trips a matcher or a rule fails its own image, not the batch.
      failed.push({ digest: image.row.digest, error: error instanceof Error ? error : new Error(String(error)) });
    }
  }
  if (options.dryRun) return { results: decided.map((d) => d.result), failed };

  const changed = decided.filter((d) => d.added.length || d.updated.length || d.removedKeys.length || d.result.verdictChanged);
  await ctx.store.db.transaction().execute(async (trx) => {
    // Findings: deletions per image, one insert stream for all.
    for (const d of changed) {
      for (const part of chunks(d.removedKeys)) await trx.deleteFrom('findings').where('digest', '=', d.result.digest).where('key', 'in', part).execute();
    }
    const inserts = changed.flatMap((d) =>
      d.added.map(([key, f]) => ({
        digest: d.result.digest,
        key,
        kind: f.kind,
        finding_id: f.id,
        severity: f.severity,
        package_name: f.package?.name ?? null,
        package_version: f.package?.version ?? null,
        ecosystem: f.package?.ecosystem ?? null,
        document: JSON.stringify(f),
        first_seen: now,
      })),
    );
    for (const part of chunks(inserts)) await trx.insertInto('findings').values(part).onConflict((oc) => oc.columns(['digest', 'key']).doNothing()).execute();
    for (const d of changed) {
      for (const [key, document] of d.updated) {
        await trx.updateTable('findings').set({ document, severity: (d.current.get(key) as Finding).severity }).where('digest', '=', d.result.digest).where('key', '=', key).execute();
      }
    }

    // The vulnerability id index (finding_ids) follows the findings of the images whose findings changed.
    const findingsChanged = changed.filter((d) => d.added.length || d.updated.length || d.removedKeys.length);
    const storedIds = new Map<string, Set<string>>();
    for (const part of chunks(findingsChanged.map((d) => d.result.digest))) {
      for (const r of await trx.selectFrom('finding_ids').select(['digest', 'vuln_id']).where('digest', 'in', part).execute()) {
        const set = storedIds.get(r.digest) ?? new Set<string>();
        set.add(r.vuln_id);
        storedIds.set(r.digest, set);
      }
    }
    const newIds: { vuln_id: string; digest: string }[] = [];
    for (const d of findingsChanged) {
      const ids = new Set<string>();
      for (const f of d.current.values()) if (f.kind === 'vulnerability') for (const id of [f.id, ...f.aliases]) ids.add(id);
      const before = storedIds.get(d.result.digest) ?? new Set<string>();
      const gone = [...before].filter((id) => !ids.has(id));
      for (const part of chunks(gone)) await trx.deleteFrom('finding_ids').where('digest', '=', d.result.digest).where('vuln_id', 'in', part).execute();
      for (const id of ids) if (!before.has(id)) newIds.push({ vuln_id: id, digest: d.result.digest });
    }
    for (const part of chunks(newIds)) await trx.insertInto('finding_ids').values(part).onConflict((oc) => oc.columns(['vuln_id', 'digest']).doNothing()).execute();

    for (const d of decided) {
      await trx
        .updateTable('images')
        .set({ verdict: d.result.decision.verdict, decision: JSON.stringify(d.result.decision), advisory_snapshot: index?.snapshot ?? null, evaluated_at: now })
        .where('digest', '=', d.result.digest)
        .execute();
    }
    const changes = changed.flatMap((d) => {
      const cause = JSON.stringify(d.cause);
      const { result } = d;
      return [
        ...result.newFindings.map((c) => ({ kind: 'finding-new', detail: c })),
        ...result.resolvedFindings.map((c) => ({ kind: 'finding-resolved', detail: c })),
        ...(result.verdictChanged ? [{ kind: 'verdict', detail: { from: result.previousVerdict, to: result.decision.verdict, violations: result.decision.violations.length } }] : []),
      ].map((c) => ({ id: randomUUID(), digest: result.digest, at: now, kind: c.kind, detail: JSON.stringify(c.detail), cause }));
    });
    for (const part of chunks(changes)) await trx.insertInto('image_changes').values(part).execute();
  });

  const events = changed.flatMap((d) => eventsOf(d.result, d.image, d.cause, now));
  if (events.length) await ctx.events.publish(events);
  return { results: decided.map((d) => d.result), failed };
}

/** The pure part: match, evaluate, diff against the stored findings. */
function decide(image: StoredImage, cause: ChangeCause, storedRows: readonly StoredFindingRow[], index: AdvisoryIndex | undefined, policy: PolicySet, at: Date, store: boolean): Decided {
  const { assessment, row } = image;
  const vulnerabilities = index ? matchInventory(assessment.inventory, index).findings : [];
  const findings = [...vulnerabilities, ...assessment.checkFindings];
  const subject = subjectOfStoredImage(image, findings, index?.snapshot);
  const decision = evaluate(policy, subject, at);
  const problems = [...(index ? [] : [NO_ADVISORIES]), ...(assessment.inventory.packages.length === 0 ? [ZERO_PACKAGES] : [])];

  // The same finding twice (one advisory from two feeds with equal evidence) is one row.
  const current = new Map<string, Finding>();
  for (const f of findings) {
    const key = findingKey(f);
    if (!current.has(key)) current.set(key, f);
  }
  const stored = new Map(storedRows.map((r) => [r.key, r]));
  const added: [string, Finding][] = [];
  const updated: [string, string][] = [];
  for (const [key, f] of current) {
    const before = stored.get(key);
    if (!before) added.push([key, f]);
    else {
      const text = JSON.stringify(f);
      if (text !== before.document) updated.push([key, text]);
    }
  }
  const removed = storedRows.filter((r) => !current.has(r.key));
  const previousVerdict = (row.verdict ?? null) as Verdict | null;
  const result: ImageAssessmentResult = {
    digest: row.digest,
    decision,
    previousVerdict,
    findings,
    newFindings: added.map(([key, f]) => changeOf(key, f)),
    resolvedFindings: removed.map(changeOfRow),
    verdictChanged: previousVerdict !== decision.verdict,
    problems,
    stored: store,
  };
  return { image, cause, result, current, added, updated, removedKeys: removed.map((r) => r.key) };
}

/** One finding event per image and severity (alert rules filter on severity), and the verdict change of an image decided before. */
function eventsOf(result: ImageAssessmentResult, image: StoredImage, cause: ChangeCause, at: string): ConsoleEvent[] {
  const repositories = parseRepositories(image.row.repositories);
  const subject = { digest: result.digest, repositories, environment: image.row.environment };
  const name = repositories[0] ?? result.digest;
  const events: ConsoleEvent[] = [];
  for (const [type, list, verb] of [
    ['finding.new', result.newFindings, 'new'],
    ['finding.resolved', result.resolvedFindings, 'resolved'],
  ] as const) {
    const bySeverity = new Map<string, FindingChange[]>();
    for (const c of list) bySeverity.set(c.severity, [...(bySeverity.get(c.severity) ?? []), c]);
    for (const severity of SEVERITY_LEVELS) {
      const group = bySeverity.get(severity);
      if (!group) continue;
      const ids = [...new Set(group.map((c) => c.id))];
      events.push({
        type,
        severity,
        at,
        image: subject,
        summary: `${group.length} ${verb} ${severity} finding${group.length === 1 ? '' : 's'} in ${name}: ${ids.slice(0, 5).join(', ')}${ids.length > 5 ? ', …' : ''}`,
        detail: { findings: group.slice(0, 100), count: group.length, cause },
      });
    }
  }
  if (result.verdictChanged && result.previousVerdict !== null) {
    events.push({
      type: 'verdict.changed',
      at,
      image: subject,
      ...(result.decision.violations[0] ? { severity: result.decision.violations[0].severity } : {}),
      summary: `${name} is now ${result.decision.verdict} (was ${result.previousVerdict})`,
      detail: { from: result.previousVerdict, to: result.decision.verdict, violations: result.decision.violations.slice(0, 20), cause },
    });
  }
  return events;
}
