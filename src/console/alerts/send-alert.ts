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
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
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

/** Kept-alive connections per receiver: a burst of alerts after an advisory update reuses them. */
const agents = {
  http: new HttpAgent({ keepAlive: true, maxSockets: 32 }),
  https: new HttpsAgent({ keepAlive: true, maxSockets: 32 }),
};

const MAX_ANSWER = 64 * 1024;

/**
 * POSTs a JSON body; resolves on a 2xx answer. node:http rather than fetch:
 * a fraction of the CPU per request, and redirects are never followed (one
 * could carry a signed body somewhere the rule did not name).
 */
function post(url: string, body: string, headers: Record<string, string>, timeoutMs: number): Promise<void> {
  const target = new URL(url);
  const secure = target.protocol === 'https:';
  const where = `POST ${target.origin}`;
  return new Promise<void>((resolve, reject) => {
    let settled = false;
    const settle = (error?: Error): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error) reject(error);
      else resolve();
    };
    const req = (secure ? httpsRequest : httpRequest)(target, {
      method: 'POST',
      agent: secure ? agents.https : agents.http,
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'user-agent': 'bulkhead-console', ...headers },
    }, (res) => {
      const status = res.statusCode ?? 0;
      // The answer is not used: read (a little of) it so the connection can serve the next alert.
      let read = 0;
      res.on('data', (chunk: Buffer) => {
        read += chunk.length;
        if (read > MAX_ANSWER) res.destroy();
      });
      res.on('error', () => undefined);
      res.on('end', () => settle(status >= 200 && status <= 299 ? undefined : new Error(`${where}: HTTP ${status}`)));
      res.on('close', () => settle(status >= 200 && status <= 299 ? undefined : new Error(`${where}: HTTP ${status}`)));
    });
    const timer = setTimeout(() => {
      settle(new Error(`${where}: no answer within ${timeoutMs} ms`));
      req.destroy();
    }, timeoutMs);
    req.on('error', (error: NodeJS.ErrnoException) => settle(new Error(`${where}: ${error.code ?? error.message}`, { cause: error })));
    req.end(body);
  });
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
