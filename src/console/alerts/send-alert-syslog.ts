/**
 * Syslog alert targets: one RFC 5424 message per alert, over UDP or TCP,
 * through the console's syslog sender (console/syslog). The finding's
 * severity maps to the syslog severity; the event's identity travels as
 * structured data (SD-ID bulkhead@32473) so receivers can route on it
 * without parsing the text.
 */
import { createSyslogSender } from '../syslog/syslog-sender.js';
import type { SyslogSeverity } from '../syslog/syslog-message.js';
import type { AlertPayload } from './alert-payload.js';
import type { StoredAlertTarget } from './alert-rule.js';

/** The enterprise number RFC 5424 uses in its own examples; ours until Bulkhead registers one. */
export const SYSLOG_SD_ID = 'bulkhead@32473';

const SEVERITY: Readonly<Record<string, SyslogSeverity>> = { critical: 'crit', high: 'err', medium: 'warning', low: 'notice' };

export function syslogSeverityOf(payload: AlertPayload): SyslogSeverity {
  const { event } = payload;
  if (event.type === 'verdict.changed' && event.detail['to'] === 'block') return 'err';
  if (event.type === 'enforcement.denied') return 'warning';
  return SEVERITY[event.severity ?? ''] ?? (event.type === 'health.problem' ? 'warning' : 'info');
}

export async function sendAlertSyslog(target: Extract<StoredAlertTarget, { type: 'syslog' }>, deliveryId: string, payload: AlertPayload, timeoutMs: number): Promise<void> {
  const sender = createSyslogSender({ host: target.host, port: target.port, protocol: target.protocol, appName: 'bulkhead', facility: target.facility, timeoutMs });
  const { event } = payload;
  try {
    await sender.send({
      severity: syslogSeverityOf(payload),
      // MSGID: printable ASCII, at most 32 characters (RFC 5424 §6.2.7).
      msgId: event.type.slice(0, 32),
      timestamp: Number.isFinite(Date.parse(event.at)) ? new Date(event.at) : new Date(),
      structuredData: {
        [SYSLOG_SD_ID]: {
          delivery: deliveryId,
          rule: payload.rule.name,
          event: event.type,
          ...(event.severity ? { severity: event.severity } : {}),
          ...(event.image ? { image: event.image.digest, repository: event.image.repositories[0] ?? '' } : {}),
          ...(event.image?.environment ? { environment: event.image.environment } : {}),
        },
      },
      message: event.summary,
    });
  } finally {
    await sender.close();
  }
}
