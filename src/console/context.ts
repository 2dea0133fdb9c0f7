/**
 * What every console route and worker gets: the store, the configuration,
 * the logger and the console's services. Each service lives in its own
 * folder (audit/, jobs/, alerts/, policies/, inventory/, …) and is wired
 * once in server/build-context.ts.
 */
import type { Logger } from 'pino';
import type { Store } from '../store/open-store.js';
import type { ConsoleConfig } from './config.js';
import type { Principal } from './principal.js';

/** One audit-log entry as appended; seq/at/hashes are added by the log. */
export interface AuditInput {
  /** 'user:alice', 'token:ci-main', 'defender:host-1', 'system'. */
  readonly actor: string;
  /** Dotted verb: 'auth.login', 'policy.activate', 'enforcement.decision', … */
  readonly action: string;
  /** What it acted on: 'policy:default', 'image:sha256:…', 'user:bob'. */
  readonly target: string;
  readonly detail?: Readonly<Record<string, unknown>>;
}

export interface AuditLog {
  append(entry: AuditInput): Promise<{ readonly seq: number; readonly hash: string }>;
}

/** Something that happened that alert rules may route somewhere. */
export interface ConsoleEvent {
  /** 'finding.new' | 'finding.resolved' | 'verdict.changed' | 'health.problem' | 'enforcement.denied' | … */
  readonly type: string;
  /** Highest severity involved, when it applies (alert rules filter on it). */
  readonly severity?: string;
  readonly at: string;
  /** Scope fields alert rules match on. */
  readonly image?: { readonly digest: string; readonly repositories: readonly string[]; readonly environment?: string | null };
  readonly summary: string;
  readonly detail: Readonly<Record<string, unknown>>;
}

export interface EventSink {
  /** Records the event for delivery; never throws on a receiver's failure. */
  publish(events: readonly ConsoleEvent[]): Promise<void>;
}

export interface JobOptions {
  readonly maxAttempts?: number;
  /** Do not run before this time. */
  readonly runAfter?: Date;
}

export type JobHandler = (payload: unknown, job: { readonly id: string; readonly attempt: number }) => Promise<unknown>;

export interface JobQueue {
  enqueue(kind: string, payload: unknown, options?: JobOptions): Promise<string>;
  /** Registers the handler for a kind; workers only take kinds they handle. */
  handle(kind: string, handler: JobHandler): void;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export interface ConsoleContext {
  readonly store: Store;
  readonly config: ConsoleConfig;
  readonly log: Logger;
  readonly audit: AuditLog;
  readonly events: EventSink;
  readonly jobs: JobQueue;
  /** The time; tests pass a fixed clock. */
  now(): Date;
}

export type { Principal };
