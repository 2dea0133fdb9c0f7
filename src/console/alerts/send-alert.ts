/**
 * Sends one alert to its target: a signed JSON webhook, a Slack-compatible
 * incoming webhook, or a syslog message. Throws on any failure (refused
 * connection, timeout, non-2xx answer) so the delivery loop can retry.
 *
 * Webhook signature: `X-Bulkhead-Timestamp: <unix seconds>` and
 * `X-Bulkhead-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>`.
 * Signing the timestamp with the body lets a receiver refuse replays of an
 * old, validly signed request (reject timestamps older than a few minutes).
 */
import { createHmac } from 'node:crypto';
import type { AlertPayload } from './alert-payload.js';
import { openSecret } from '../secrets/seal.js';
import type { StoredAlertTarget } from './alert-rule.js';
import { sendAlertSyslog } from './send-alert-syslog.js';

export interface SendAlertOptions {
  readonly secretKey: Buffer;
  readonly timeoutMs: number;
  /** Unix seconds for the signature; defaults to the clock. */
  readonly timestamp?: number;
}

export function signatureOf(secret: string, timestamp: number, rawBody: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest('hex')}`;
}

function mrkdwnEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Slack's incoming-webhook shape: `text` is the notification fallback, `blocks` the rendered message. */
export function slackMessage(payload: AlertPayload): { text: string; blocks: unknown[] } {
  const { event } = payload;
  const image = event.image ? `\n*Image:* \`${mrkdwnEscape(event.image.repositories[0] ?? event.image.digest)}\`${event.image.environment ? ` (${mrkdwnEscape(event.image.environment)})` : ''}` : '';
  const severity = event.severity ? ` · severity ${event.severity}` : '';
  return {
    text: `[Bulkhead] ${event.summary}`,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: `*${mrkdwnEscape(event.summary)}*${image}` } },
      { type: 'context', elements: [{ type: 'mrkdwn', text: mrkdwnEscape(`${event.type}${severity} · ${event.at} · rule ${payload.rule.name}`) }] },
    ],
  };
}

/** The receiver's answer is not used: a short one is read to its end so the keep-alive connection is reused; a long one is cut. */
async function drain(response: Response): Promise<void> {
  const reader = response.body?.getReader();
  if (!reader) return;
  let read = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      read += value.byteLength;
      if (read > 64 * 1024) {
        await reader.cancel();
        return;
      }
    }
  } catch {
    // The answer broke off after its status: the status decides.
  }
}

async function post(url: string, body: string, headers: Record<string, string>, timeoutMs: number): Promise<void> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', 'user-agent': 'bulkhead-console', ...headers },
      // A redirect could carry a signed body somewhere the rule did not name.
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const reason = (error as Error).name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : (cause?.code ?? cause?.message ?? (error as Error).message);
    throw new Error(`POST ${new URL(url).origin}: ${reason}`, { cause: error });
  }
  await drain(response);
  if (response.status < 200 || response.status > 299) throw new Error(`POST ${new URL(url).origin}: HTTP ${response.status}`);
}

export async function sendAlert(target: StoredAlertTarget, deliveryId: string, payload: AlertPayload, options: SendAlertOptions): Promise<void> {
  switch (target.type) {
    case 'webhook': {
      const body = JSON.stringify({ delivery: deliveryId, rule: payload.rule, event: payload.event });
      const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
      const secret = openSecret(options.secretKey, target.secretSealed);
      await post(target.url, body, {
        'x-bulkhead-event': payload.event.type,
        'x-bulkhead-delivery': deliveryId,
        'x-bulkhead-timestamp': String(timestamp),
        'x-bulkhead-signature': signatureOf(secret, timestamp, body),
      }, options.timeoutMs);
      return;
    }
    case 'slack':
      await post(openSecret(options.secretKey, target.urlSealed), JSON.stringify(slackMessage(payload)), {}, options.timeoutMs);
      return;
    case 'syslog':
      await sendAlertSyslog(target, deliveryId, payload, options.timeoutMs);
      return;
  }
}
