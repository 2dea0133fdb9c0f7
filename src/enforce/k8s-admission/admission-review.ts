/**
 * The `admission.k8s.io/v1` AdmissionReview wire format: what the API server
 * sends (validated here with zod, leniently: unknown fields pass, as the API
 * server adds fields over releases) and the response document it expects
 * back (the request's uid echoed, same apiVersion and kind).
 */
import { z } from 'zod';

export const ADMISSION_API_VERSION = 'admission.k8s.io/v1';
/** v1beta1 has the same request and response fields; answer it in its own version if a cluster sends it. */
const ACCEPTED_VERSIONS = new Set([ADMISSION_API_VERSION, 'admission.k8s.io/v1beta1']);

const groupVersionKind = z.object({ group: z.string(), version: z.string(), kind: z.string().min(1) });
const groupVersionResource = z.object({ group: z.string(), version: z.string(), resource: z.string().min(1) });

const requestSchema = z.object({
  uid: z.string().min(1).max(256),
  kind: groupVersionKind,
  resource: groupVersionResource,
  subResource: z.string().optional(),
  requestKind: groupVersionKind.optional(),
  requestResource: groupVersionResource.optional(),
  requestSubResource: z.string().optional(),
  name: z.string().optional(),
  namespace: z.string().optional(),
  operation: z.enum(['CREATE', 'UPDATE', 'DELETE', 'CONNECT']),
  userInfo: z.object({
    username: z.string().optional(),
    uid: z.string().optional(),
    groups: z.array(z.string()).optional(),
    extra: z.record(z.string(), z.array(z.string())).optional(),
  }),
  // RawExtension: any object; the workload reader validates the parts it reads.
  object: z.record(z.string(), z.unknown()).nullable().optional(),
  oldObject: z.record(z.string(), z.unknown()).nullable().optional(),
  dryRun: z.boolean().optional(),
  options: z.record(z.string(), z.unknown()).nullable().optional(),
});

const reviewSchema = z.object({
  apiVersion: z.string(),
  kind: z.literal('AdmissionReview'),
  request: requestSchema,
});

export type AdmissionRequest = z.infer<typeof requestSchema>;

export interface AdmissionResponse {
  readonly uid: string;
  readonly allowed: boolean;
  readonly status?: { readonly code: number; readonly reason?: string; readonly message: string };
  readonly warnings?: readonly string[];
  readonly auditAnnotations?: Readonly<Record<string, string>>;
  readonly patch?: string;
  readonly patchType?: 'JSONPatch';
}

export interface AdmissionReviewResponse {
  readonly apiVersion: string;
  readonly kind: 'AdmissionReview';
  readonly response: AdmissionResponse;
}

/** A parsed review, or why it is not one — with the uid and apiVersion when they could still be read, so the answer stays a valid AdmissionReview. */
export type ParsedReview =
  | { readonly ok: true; readonly apiVersion: string; readonly request: AdmissionRequest }
  | { readonly ok: false; readonly problem: string; readonly uid?: string; readonly apiVersion: string };

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => `${i.path.join('.') || '(document)'}: ${i.message}`)
    .join('; ');
}

/** Reads the uid from anything shaped enough to carry one. */
function uidOf(doc: unknown): string | undefined {
  if (typeof doc !== 'object' || doc === null) return undefined;
  const request = (doc as { request?: unknown }).request;
  if (typeof request !== 'object' || request === null) return undefined;
  const uid = (request as { uid?: unknown }).uid;
  return typeof uid === 'string' && uid.length > 0 && uid.length <= 256 ? uid : undefined;
}

export function parseAdmissionReview(doc: unknown): ParsedReview {
  const apiVersion = typeof doc === 'object' && doc !== null ? (doc as { apiVersion?: unknown }).apiVersion : undefined;
  const answerVersion = typeof apiVersion === 'string' && ACCEPTED_VERSIONS.has(apiVersion) ? apiVersion : ADMISSION_API_VERSION;
  const uid = uidOf(doc);
  const parsed = reviewSchema.safeParse(doc);
  if (!parsed.success) return { ok: false, problem: `not an AdmissionReview: ${describeIssues(parsed.error)}`, ...(uid ? { uid } : {}), apiVersion: answerVersion };
  if (!ACCEPTED_VERSIONS.has(parsed.data.apiVersion)) {
    return { ok: false, problem: `unsupported AdmissionReview apiVersion ${JSON.stringify(parsed.data.apiVersion.slice(0, 100))} (want ${ADMISSION_API_VERSION})`, uid: parsed.data.request.uid, apiVersion: answerVersion };
  }
  return { ok: true, apiVersion: parsed.data.apiVersion, request: parsed.data.request };
}

export function reviewResponse(apiVersion: string, response: AdmissionResponse): AdmissionReviewResponse {
  return { apiVersion, kind: 'AdmissionReview', response };
}
