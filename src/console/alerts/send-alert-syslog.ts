/**
 * Syslog alert targets: one RFC 5424 message per alert, over UDP or TCP,
 * through the console's syslog sender (console/syslog).
 */
import type { StoredAlertTarget } from './alert-rule.js';
import type { AlertPayload } from './alert-payload.js';

export async function sendAlertSyslog(target: Extract<StoredAlertTarget, { type: 'syslog' }>, deliveryId: string, payload: AlertPayload, timeoutMs: number): Promise<void> {
  void deliveryId;
  void payload;
  void timeoutMs;
  throw new Error(`syslog ${target.protocol}://${target.host}:${target.port}: the syslog sender is not wired yet`);
}
