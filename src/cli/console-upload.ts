/**
 * `bulkhead scan TARGET --console URL`: sends the local assessment to the
 * console's POST /api/v1/scans and returns the console's answer, whose
 * verdict CI gates on. HTTPS with the system's CAs, or a given CA file for
 * consoles with a self-signed certificate; plain HTTP only to loopback.
 * The answer is bounded and validated; a problem+json answer becomes one
 * clear error line.
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { z } from 'zod';
import type { ImageAssessment } from '../console/inventory/assessment-document.js';
import { BadInputError } from '../domain/errors.js';

export interface ConsoleUploadOptions {
  readonly console: string;
  readonly token: string;
  /** PEM file with the CA (or the certificate itself) the console's certificate must chain to. */
  readonly caFile?: string;
  readonly environment?: string;
  readonly timeoutMs?: number;
}

const verdict = z.enum(['allow', 'warn', 'block']);
const violation = z.looseObject({
  ruleId: z.string(),
  effect: z.enum(['alert', 'block']),
  severity: z.string(),
  message: z.string(),
  evidence: z.looseObject({ file: z.string().optional(), line: z.number().optional() }),
  remediation: z.string().optional(),
});

/** Only what the CLI reads of the console's answer is checked: it prints the decision as the local gate would. */
const answerSchema = z.looseObject({
  digest: z.string(),
  verdict,
  previousVerdict: verdict.nullable().optional(),
  violations: z.array(violation),
  decision: z.looseObject({
    verdict,
    violations: z.array(violation),
    exceptionsApplied: z.array(z.looseObject({ id: z.string(), owner: z.string(), reason: z.string(), expires: z.string(), waived: z.array(z.unknown()) })),
    basis: z.looseObject({ policyName: z.string(), policyVersion: z.string(), policyHash: z.string() }),
  }),
  findings: z.object({ total: z.number(), bySeverity: z.record(z.string(), z.number()), new: z.number(), resolved: z.number() }),
  problems: z.array(z.string()),
});

export type ConsoleScanAnswer = z.infer<typeof answerSchema>;

const MAX_ANSWER_BYTES = 16 * 1024 * 1024;
const LOOPBACK = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])$/;

export function consoleScansUrl(base: string): URL {
  let url: URL;
  try {
    url = new URL(base);
  } catch {
    throw new BadInputError(`--console: ${JSON.stringify(base)} is not a URL (e.g. https://console.example.com:8443)`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new BadInputError('--console: use an https:// URL');
  if (url.protocol === 'http:' && !LOOPBACK.test(url.hostname)) throw new BadInputError('--console: plain http:// is only for a console on this machine; use https://');
  return new URL(`${url.pathname.replace(/\/+$/, '')}/api/v1/scans`, url);
}

export async function uploadToConsole(assessment: ImageAssessment, options: ConsoleUploadOptions): Promise<ConsoleScanAnswer> {
  const url = consoleScansUrl(options.console);
  const body = Buffer.from(JSON.stringify({ assessment, ...(options.environment ? { environment: options.environment } : {}) }));
  const ca = options.caFile ? readFileSync(options.caFile) : undefined;
  const { status, text, type } = await new Promise<{ status: number; text: string; type: string }>((resolve, reject) => {
    const request = (url.protocol === 'https:' ? https : http).request(
      url,
      {
        method: 'POST',
        headers: {
          authorization: `Bearer ${options.token}`,
          'content-type': 'application/json',
          'content-length': String(body.length),
          accept: 'application/json, application/problem+json',
        },
        ...(ca ? { ca } : {}),
        timeout: options.timeoutMs ?? 5 * 60_000,
      },
      (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_ANSWER_BYTES) response.destroy(new BadInputError(`the console's answer is larger than ${MAX_ANSWER_BYTES} bytes`));
          else chunks.push(chunk);
        });
        response.on('end', () => resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8'), type: String(response.headers['content-type'] ?? '') }));
        response.on('error', reject);
      },
    );
    request.on('timeout', () => request.destroy(new BadInputError(`the console at ${url.origin} did not answer in time`)));
    request.on('error', (error) => reject(error instanceof BadInputError ? error : new BadInputError(`cannot reach the console at ${url.origin}: ${(error as Error).message}`, { cause: error })));
    request.end(body);
  });
  if (status < 200 || status >= 300) {
    let detail = text.slice(0, 500);
    if (/json/.test(type)) {
      try {
        const problem = JSON.parse(text) as { title?: unknown; detail?: unknown };
        detail = [problem.title, problem.detail].filter((s) => typeof s === 'string').join(': ');
      } catch {
        // the raw text then
      }
    }
    throw new BadInputError(`the console refused the upload (HTTP ${status}): ${detail}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new BadInputError(`the console's answer is not JSON (HTTP ${status})`);
  }
  const answer = answerSchema.safeParse(parsed);
  if (!answer.success) throw new BadInputError(`the console's answer is not a scan decision: ${answer.error.issues[0]?.message ?? 'invalid'}`);
  return answer.data;
}
