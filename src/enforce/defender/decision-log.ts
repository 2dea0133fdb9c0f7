/**
 * The local record of every decision: one JSON line per decision, appended
 * with O_APPEND so lines from a restarted defender never interleave badly,
 * and handed to the console reporter when one is configured.
 */
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import path from 'node:path';
import type { EnforcementDecision } from '../../domain/enforcement.js';

export interface LoggedDecision extends EnforcementDecision {
  readonly id: string;
  /** Why a fallback answered (malformed request, unknown endpoint, timeout). */
  readonly fallback?: string;
}

export interface DecisionLog {
  write(decision: LoggedDecision): void;
  close(): Promise<void>;
}

export function openDecisionLog(file: string, onDecision?: (d: LoggedDecision) => void): DecisionLog {
  mkdirSync(path.dirname(file), { recursive: true });
  const out: WriteStream = createWriteStream(file, { flags: 'a', mode: 0o640 });
  out.on('error', (error) => process.stderr.write(`bulkhead defender: decision log ${file}: ${error.message}\n`));
  return {
    write(decision) {
      out.write(`${JSON.stringify(decision)}\n`);
      onDecision?.(decision);
    },
    close: () => new Promise((resolve) => out.end(() => resolve())),
  };
}
