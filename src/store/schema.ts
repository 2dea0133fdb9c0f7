/**
 * The console's tables, as kysely sees them. One schema for SQLite and
 * PostgreSQL: ids are text (random UUIDs or natural keys such as digests),
 * timestamps are ISO-8601 UTC text (sortable in both), JSON is text parsed
 * and validated by its reader, booleans are 0/1 integers. The migrations in
 * migrations/ create exactly these columns; change both together.
 */
/** ISO-8601 UTC timestamp text. */
export type Timestamp = string;
/** JSON text; the reader validates it. */
export type JsonText = string;
/** 0 | 1. */
export type Flag = number;

export interface UserTable {
  id: string;
  name: string;
  /** argon2id encoded hash. */
  password_hash: string;
  role: string;
  /** JSON string[] of collection names; empty = every collection (admin, secops, auditor). */
  collections: JsonText;
  disabled: Flag;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface SessionTable {
  /** sha256 hex of the session cookie value; the value itself is never stored. */
  id: string;
  user_id: string;
  csrf_token: string;
  created_at: Timestamp;
  expires_at: Timestamp;
}

export interface ApiTokenTable {
  id: string;
  name: string;
  /** sha256 hex of the token secret. */
  secret_hash: string;
  role: string;
  collections: JsonText;
  created_by: string;
  created_at: Timestamp;
  expires_at: Timestamp | null;
  revoked_at: Timestamp | null;
  last_used_at: Timestamp | null;
}

/** A named set of patterns that limits what a user or token sees. */
export interface CollectionTable {
  name: string;
  description: string;
  /** JSON { images?: string[]; registries?: string[]; namespaces?: string[]; hosts?: string[] } (globs). */
  patterns: JsonText;
  created_at: Timestamp;
}

export interface ImageTable {
  /** Manifest digest, or the inventory id for targets without one (dir:, sbom:). */
  digest: string;
  registry: string | null;
  /** JSON string[]: 'registry/repo' names seen. */
  repositories: JsonText;
  /** JSON Record<string,string> from the image config. */
  labels: JsonText;
  environment: string | null;
  first_seen: Timestamp;
  last_seen: Timestamp;
  inventory_id: string;
  package_count: number;
  /** 'allow' | 'warn' | 'block'; null until first evaluated. */
  verdict: string | null;
  /** JSON Decision. */
  decision: JsonText | null;
  /** Advisory snapshot the findings were matched against. */
  advisory_snapshot: string | null;
  evaluated_at: Timestamp | null;
}

export interface ImageTagTable {
  digest: string;
  /** 'registry/repo:tag' */
  reference: string;
  repository: string;
  tag: string;
  first_seen: Timestamp;
  last_seen: Timestamp;
}

/** A stored inventory; shared by every image with the same inventory id. */
export interface InventoryTable {
  id: string;
  /** JSON of the stored assessment (inventory, check findings, files) — see console/inventory. */
  document: JsonText;
  /** HMAC-SHA256 hex (config.secretKey) of document as the console validated and wrote it; null for rows written otherwise. Migration 004. */
  document_mac: string | null;
  package_count: number;
  created_at: Timestamp;
}

/** The index from (ecosystem, name) to inventories that re-evaluation and impact queries use. */
export interface InventoryPackageTable {
  inventory_id: string;
  ecosystem: string;
  /** Name normalized as the advisory store normalizes it (advisories/package-name). */
  name_key: string;
  name: string;
  version: string;
  purl: string | null;
  /** Source package name for OS packages (advisories are keyed by it), else null. */
  source_name: string | null;
}

export interface FindingTable {
  digest: string;
  /** Stable key of the finding within the image (kind + id + package + version + location). */
  key: string;
  kind: string;
  /** Advisory or check id. */
  finding_id: string;
  severity: string;
  package_name: string | null;
  package_version: string | null;
  ecosystem: string | null;
  /** JSON Finding. */
  document: JsonText;
  first_seen: Timestamp;
}

/** Every id a vulnerability finding is known by (its id and aliases), for impact queries. */
export interface FindingIdTable {
  vuln_id: string;
  digest: string;
}

/** The history of what changed for an image and why. */
export interface ImageChangeTable {
  id: string;
  digest: string;
  at: Timestamp;
  /** 'finding-new' | 'finding-resolved' | 'verdict' */
  kind: string;
  /** JSON: the finding, or { from, to } for verdicts. */
  detail: JsonText;
  /** JSON { reason: 'scan'|'advisory-update'|'policy-change'|'exception-change'|'new-name', advisories?: string[], snapshot?: string, policyVersion?: string } */
  cause: JsonText;
}

export interface HostTable {
  id: string;
  name: string;
  environment: string | null;
  labels: JsonText;
  /** JSON: engine version, OS, defender version, … as reported. */
  info: JsonText;
  first_seen: Timestamp;
  last_seen: Timestamp;
}

export interface ClusterTable {
  id: string;
  name: string;
  environment: string | null;
  info: JsonText;
  first_seen: Timestamp;
  last_seen: Timestamp;
}

export interface ContainerTable {
  /** host id or cluster id + '/' + container id (or namespace/pod/container). */
  id: string;
  host_id: string | null;
  cluster_id: string | null;
  namespace: string | null;
  name: string;
  image_reference: string;
  image_digest: string | null;
  state: string;
  started_at: Timestamp | null;
  last_seen: Timestamp;
}

export interface RegistryTable {
  id: string;
  name: string;
  url: string;
  username: string | null;
  /** AES-256-GCM sealed secret (base64 iv|tag|ciphertext); key from config/env. */
  secret_sealed: string | null;
  /** JSON string[] of repository globs to scan; empty = all from the catalog. */
  repositories: JsonText;
  /** Minutes between scheduled scans; 0 = only on push. */
  interval_minutes: number;
  environment: string | null;
  last_scan_at: Timestamp | null;
  created_at: Timestamp;
  /** sha256 hex of the secret the registry's notification endpoint sends as `Authorization: Bearer …` (003). */
  notification_secret_hash: string | null;
  /** When the next scheduled sync is due; null = not scheduled (interval 0). Claimed by one replica (003). */
  next_sync_at: Timestamp | null;
  /** JSON { at, repositories, tags, enqueued, error? } of the last sync (003). */
  last_sync: JsonText | null;
}

export interface JobTable {
  id: string;
  kind: string;
  payload: JsonText;
  /** 'queued' | 'running' | 'done' | 'failed' */
  state: string;
  attempts: number;
  max_attempts: number;
  run_after: Timestamp;
  locked_until: Timestamp | null;
  worker: string | null;
  last_error: string | null;
  result: JsonText | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** Every version of every policy set; one row per version, the active one flagged. */
export interface PolicyVersionTable {
  id: string;
  name: string;
  version: number;
  /** The policy YAML as submitted. */
  content: string;
  /** sha256 of content: the ETag enforcement points send back. */
  hash: string;
  author: string;
  reason: string;
  created_at: Timestamp;
  active: Flag;
}

/** Each activation of a policy version, newest last: the history a rollback walks back. */
export interface PolicyActivationTable {
  id: string;
  name: string;
  version: number;
  actor: string;
  reason: string;
  at: Timestamp;
}

export interface ExceptionTable {
  id: string;
  /** JSON of the policy exception document (rule, match, …) as policy/exceptions reads it. */
  document: JsonText;
  owner: string;
  reason: string;
  expires: Timestamp;
  created_by: string;
  created_at: Timestamp;
  revoked_at: Timestamp | null;
}

export interface AlertRuleTable {
  id: string;
  name: string;
  /** JSON { events: ('new-critical'|'verdict-change'|…)[], scope?: … } */
  trigger: JsonText;
  /** JSON { type: 'webhook'|'slack'|'syslog', url?, secretSealed?, host?, port?, protocol? } */
  target: JsonText;
  enabled: Flag;
  created_at: Timestamp;
}

export interface AlertDeliveryTable {
  id: string;
  rule_id: string;
  payload: JsonText;
  /** 'pending' | 'sent' | 'failed' */
  state: string;
  attempts: number;
  next_attempt_at: Timestamp;
  last_error: string | null;
  created_at: Timestamp;
}

/** One CIS Docker Benchmark audit a defender reported for its host. */
export interface HostAuditTable {
  id: string;
  host_id: string;
  at: Timestamp;
  benchmark: string;
  /** Score × 10 (0–1000): passed over decided scored checks; null when none was decided. */
  score_tenths: number | null;
  /** JSON Record<status, number>. */
  counts: JsonText;
  /** JSON of the results: id, section, title, level, scored, status, reason, evidence. */
  results: JsonText;
  /** JSON [{ id, title, from, to }]: checks that passed last time and fail now. */
  drift: JsonText;
}

/** The hash-chained audit log. seq is assigned by the appender, gap-free. */
export interface AuditTable {
  seq: number;
  at: Timestamp;
  actor: string;
  action: string;
  target: string;
  /** JSON detail. */
  detail: JsonText;
  prev_hash: string;
  /** sha256 hex over the canonical entry including prev_hash. */
  hash: string;
}

/** Small durable state: advisory snapshot in use, checkpoints of resumable work. */
export interface StateTable {
  key: string;
  value: JsonText;
  updated_at: Timestamp;
}

export interface StoreSchema {
  users: UserTable;
  sessions: SessionTable;
  api_tokens: ApiTokenTable;
  collections: CollectionTable;
  images: ImageTable;
  image_tags: ImageTagTable;
  inventories: InventoryTable;
  inventory_packages: InventoryPackageTable;
  findings: FindingTable;
  finding_ids: FindingIdTable;
  image_changes: ImageChangeTable;
  hosts: HostTable;
  clusters: ClusterTable;
  containers: ContainerTable;
  registries: RegistryTable;
  jobs: JobTable;
  policy_versions: PolicyVersionTable;
  policy_activations: PolicyActivationTable;
  exceptions: ExceptionTable;
  alert_rules: AlertRuleTable;
  alert_deliveries: AlertDeliveryTable;
  audit: AuditTable;
  host_audits: HostAuditTable;
  state: StateTable;
}
