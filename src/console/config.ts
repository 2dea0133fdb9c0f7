/**
 * The console's configuration: a YAML file (`bulkhead serve --config`),
 * overridden by BULKHEAD_* environment variables and command-line flags.
 * Validated here; everything else reads the typed result.
 */
import { z } from 'zod';

/** The settings a console configuration can carry for audit forwarding (`auditSyslog:`). */
export const auditSyslogConfigSchema = z.strictObject({
  host: z.string().min(1),
  port: z.number().int().min(1).max(65535).default(514),
  protocol: z.enum(['udp', 'tcp']).default('tcp'),
  appName: z.string().min(1).max(48).default('bulkhead'),
  /** SD-ID audit@<enterpriseId>; 32473 is RFC 5612's example number: set your own. */
  enterpriseId: z.number().int().min(1).default(32473),
});

export const consoleConfigSchema = z.strictObject({
  /** Where SQLite, the advisory database, the self-signed certificate and backups live. */
  dataDir: z.string().min(1),
  /** SQLite file path, or postgres://… . Default: <dataDir>/console.db */
  database: z.string().min(1).optional(),
  listen: z.strictObject({
    host: z.string().default('127.0.0.1'),
    port: z.number().int().min(0).max(65535).default(8443),
  }).prefault({}),
  tls: z.discriminatedUnion('mode', [
    z.strictObject({ mode: z.literal('files'), cert: z.string(), key: z.string() }),
    z.strictObject({ mode: z.literal('self-signed') }),
    /** Plain HTTP: refused unless listen.host is a loopback address. */
    z.strictObject({ mode: z.literal('none') }),
  ]).default({ mode: 'self-signed' }),
  /** Advisory database file. Default: <dataDir>/advisories.db */
  advisoryDatabase: z.string().optional(),
  advisoryUpdate: z.strictObject({
    /** 0 = never on a schedule (air-gapped sites upload bundles). */
    intervalMinutes: z.number().int().min(0).default(0),
    sources: z.array(z.string()).optional(),
    /** Base URL overrides per source, as `db update` takes them. */
    baseUrls: z.record(z.string(), z.string()).optional(),
    staleAfterHours: z.number().positive().default(48),
  }).prefault({}),
  /** Largest request body in bytes (scan uploads have their own, larger limit). */
  bodyLimit: z.number().int().positive().default(1024 * 1024),
  scanUploadLimit: z.number().int().positive().default(256 * 1024 * 1024),
  sessionTtlMinutes: z.number().int().positive().default(12 * 60),
  /** Log level for pino. */
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Run job workers inside the server process (default true; false for API-only replicas). */
  workers: z.boolean().default(true),
  /**
   * Answers of the read-heavy GET lists and details (images, containers,
   * hosts, clusters) kept in memory until the store changes
   * (server/response-cache.ts). maxAgeMs bounds how long a commit by
   * another process is unseen on PostgreSQL (on SQLite it is seen at once).
   */
  responseCache: z.strictObject({
    enabled: z.boolean().default(true),
    maxAgeMs: z.number().int().min(0).max(60_000).default(1_000),
    maxEntries: z.number().int().min(1).max(1_000_000).default(2_000),
    maxBytes: z.number().int().min(0).default(64 * 1024 * 1024),
  }).prefault({}),
  /** Forward every audit-log entry to a syslog server (RFC 5424), besides keeping it in the store. */
  auditSyslog: auditSyslogConfigSchema.optional(),
});

export type ConsoleConfigInput = z.input<typeof consoleConfigSchema>;

export interface ConsoleConfig extends Omit<z.output<typeof consoleConfigSchema>, 'database' | 'advisoryDatabase'> {
  readonly database: string;
  readonly advisoryDatabase: string;
  /** 32-byte key sealing stored secrets (registry passwords, webhook secrets): BULKHEAD_SECRET_KEY (base64/hex) or <dataDir>/secret.key. */
  readonly secretKey: Buffer;
}
