/**
 * RFC 9457 problem details: every error the console answers with, whatever
 * raised it, is one JSON object of type application/problem+json — never a
 * stack trace or an internal message.
 */
import { STATUS_CODES } from 'node:http';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json; charset=utf-8';

export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail?: string;
  readonly instance?: string;
  readonly requestId?: string;
  readonly [extension: string]: unknown;
}

function slug(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'problem';
}

/**
 * `about:blank` when the title is the status phrase (RFC 9457 §4.2.1);
 * otherwise a URN naming the specific problem, so clients can tell, for
 * example, a validation failure from a conflict of the same status.
 */
export function problem(status: number, title: string | undefined, detail?: string, extra?: Readonly<Record<string, unknown>>): Problem {
  const phrase = STATUS_CODES[status] ?? 'Error';
  const t = title ?? phrase;
  return {
    type: t === phrase ? 'about:blank' : `urn:bulkhead:problem:${slug(t)}`,
    title: t,
    status,
    ...(detail !== undefined && detail !== t ? { detail } : {}),
    ...extra,
  };
}
