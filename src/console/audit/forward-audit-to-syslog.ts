/**
 * Forwards every appended audit entry to a syslog receiver (a SIEM), as it
 * is appended: one RFC 5424 message per entry, MSGID "audit", the entry's
 * seq, actor, action, target, hash and prev_hash as structured data and its
 * detail (canonical JSON) as MSG. A copy outside the console's database is
 * also what makes a rewritten or truncated chain provable: the receiver
 * holds hashes the attacker cannot change.
 *
 * Forwarding never fails or delays an append: a receiver that is down costs
 * the forwarded copy (reported through onError), not the audited action.
 */
import type { SyslogSender } from '../syslog/syslog-sender.js';
import type { AuditEntry } from './audit-entry.js';
import type { ChainedAuditLog } from './audit-log.js';
import { canonicalJson } from './canonical-json.js';

/** RFC 5612's enterprise number for documentation: operators with their own PEN set theirs. */
export const DEFAULT_SD_ENTERPRISE = 32473;


export interface AuditForwardingOptions {
  /** SD-ID is audit@<enterpriseId>. */
  readonly enterpriseId?: number;
  readonly onError?: (error: Error, entry: AuditEntry) => void;
}

export interface ForwardingAuditLog extends ChainedAuditLog {
  /** Resolves when every forward started so far has finished (sent or failed). */
  flush(): Promise<void>;
}

/** Failed logins, denials and the like go out as warnings; everything else as notices. */
function severityOf(action: string): 'warning' | 'notice' {
  return /\.(failed|denied|blocked)$/.test(action) ? 'warning' : 'notice';
}

export function forwardAuditToSyslog(log: ChainedAuditLog, sender: SyslogSender, options: AuditForwardingOptions = {}): ForwardingAuditLog {
  const sdId = `audit@${options.enterpriseId ?? DEFAULT_SD_ENTERPRISE}`;
  const inFlight = new Set<Promise<void>>();
  return {
    async append(input) {
      const entry = await log.append(input);
      const sent = sender.send({
        severity: severityOf(entry.action),
        msgId: 'audit',
        timestamp: new Date(entry.at),
        structuredData: {
          [sdId]: { seq: entry.seq, actor: entry.actor, action: entry.action, target: entry.target, hash: entry.hash, prev_hash: entry.prev_hash },
        },
        message: canonicalJson(entry.detail),
      }).catch((error: unknown) => options.onError?.(error as Error, entry));
      inFlight.add(sent);
      void sent.finally(() => inFlight.delete(sent));
      return entry;
    },
    async flush() {
      await Promise.all([...inFlight]);
    },
  };
}
