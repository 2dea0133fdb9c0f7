/**
 * Docker's authorization plugin protocol (docs.docker.com/engine/extend/
 * plugins_authorization): dockerd POSTs JSON to /Plugin.Activate, then to
 * /AuthZPlugin.AuthZReq before and /AuthZPlugin.AuthZRes after each API
 * call; the plugin answers {Allow, Msg, Err}. Field names are Docker's
 * (RequestUri, not RequestURI); RequestBody and ResponseBody are []byte,
 * hence base64 in JSON, and only present for JSON or text bodies under
 * dockerd's own size limit.
 */
import { z } from 'zod';

/** The Content-Type Docker's plugin clients send and expect. */
export const PLUGIN_CONTENT_TYPE = 'application/vnd.docker.plugins.v1.2+json';

export const ACTIVATE_PATH = '/Plugin.Activate';
export const AUTHZ_REQUEST_PATH = '/AuthZPlugin.AuthZReq';
export const AUTHZ_RESPONSE_PATH = '/AuthZPlugin.AuthZRes';

/** Decoded bodies larger than this are not parsed (dockerd itself forwards at most 1 MiB). */
export const MAX_DECODED_BODY = 2 * 1024 * 1024;

const base64 = z
  .string()
  .max(Math.ceil((MAX_DECODED_BODY * 4) / 3) + 4)
  .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'not base64')
  .nullish();

export const authzMessageSchema = z.looseObject({
  User: z.string().max(4096).nullish(),
  UserAuthNMethod: z.string().max(256).nullish(),
  RequestMethod: z.string().min(1).max(16),
  RequestUri: z.string().min(1).max(64 * 1024),
  RequestBody: base64,
  RequestHeaders: z.record(z.string(), z.string()).nullish(),
  ResponseStatusCode: z.number().int().nullish(),
  ResponseBody: base64,
  ResponseHeaders: z.record(z.string(), z.string()).nullish(),
});

export interface AuthzMessage {
  readonly user?: string;
  readonly authMethod?: string;
  readonly method: string;
  readonly uri: string;
  readonly body?: Buffer;
  readonly headers: Readonly<Record<string, string>>;
  readonly responseStatus?: number;
  readonly responseBody?: Buffer;
}

export interface AuthzAnswer {
  readonly Allow: boolean;
  readonly Msg?: string;
  readonly Err?: string;
}

/** Validates a decoded JSON message; throws ZodError with the first problem. */
export function parseAuthzMessage(json: unknown): AuthzMessage {
  const m = authzMessageSchema.parse(json);
  const body = m.RequestBody ? Buffer.from(m.RequestBody, 'base64') : undefined;
  const responseBody = m.ResponseBody ? Buffer.from(m.ResponseBody, 'base64') : undefined;
  return {
    ...(m.User ? { user: m.User } : {}),
    ...(m.UserAuthNMethod ? { authMethod: m.UserAuthNMethod } : {}),
    method: m.RequestMethod,
    uri: m.RequestUri,
    ...(body && body.length > 0 ? { body } : {}),
    headers: m.RequestHeaders ?? {},
    ...(m.ResponseStatusCode ? { responseStatus: m.ResponseStatusCode } : {}),
    ...(responseBody && responseBody.length > 0 ? { responseBody } : {}),
  };
}

/** A request body as JSON when its headers say so; undefined when absent or not JSON. */
export function jsonBody(message: AuthzMessage): unknown {
  if (!message.body) return undefined;
  const type = Object.entries(message.headers).find(([k]) => k.toLowerCase() === 'content-type')?.[1] ?? 'application/json';
  if (!type.toLowerCase().includes('json')) return undefined;
  try {
    return JSON.parse(message.body.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}
