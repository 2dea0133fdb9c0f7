/**
 * The policy file format (docs/policy.md): strict zod schemas for the file,
 * its rules (common fields; the condition is checked by its kind's schema)
 * and exceptions. Unknown keys are errors, so a misspelt key never silently
 * turns a rule off.
 */
import { z } from 'zod';
import { SEVERITY_LEVELS } from '../domain/severity.js';
import { RULE_KIND_NAMES } from './rule-kinds.js';

const nonEmptyList = (what: string) =>
  z.array(z.string().min(1), { error: `${what} must be a list of strings` }).min(1, { error: `an empty ${what} list can never match: remove the key or list values` });

export const scopeSchema = z.strictObject({
  images: nonEmptyList('images').optional(),
  registries: nonEmptyList('registries').optional(),
  labels: z
    .record(z.string().min(1), z.string().min(1))
    .refine((r) => Object.keys(r).length > 0, { error: 'an empty labels map: remove the key or name labels' })
    .optional(),
  environments: nonEmptyList('environments').optional(),
  namespaces: nonEmptyList('namespaces').optional(),
});

export type ScopeSpec = z.infer<typeof scopeSchema>;

const ID = /^[A-Za-z0-9][A-Za-z0-9._:-]*$/;

export const ruleSchema = z.strictObject({
  id: z.string().regex(ID, { error: 'rule id: letters, digits and . _ : - only' }),
  description: z.string().min(1),
  effect: z.enum(['alert', 'block']),
  severity: z.enum(SEVERITY_LEVELS).optional(),
  scope: scopeSchema.optional(),
  ...Object.fromEntries(RULE_KIND_NAMES.map((k) => [k, z.unknown().optional()])),
});

export type RuleSpec = z.infer<typeof ruleSchema> & Partial<Record<(typeof RULE_KIND_NAMES)[number], unknown>>;

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

export const exceptionSchema = z
  .strictObject({
    id: z.string().regex(ID, { error: 'exception id: letters, digits and . _ : - only' }),
    owner: z.string({ error: 'exception needs an owner' }).min(1),
    reason: z.string({ error: 'exception needs a reason' }).min(1),
    expires: z
      .string({ error: 'exception needs an expiry date (expires: YYYY-MM-DD): exceptions without expiry are not accepted' })
      .refine((s) => (DATE.test(s) || DATETIME.test(s)) && Number.isFinite(Date.parse(s)), { error: 'expires must be a date (YYYY-MM-DD) or an RFC 3339 timestamp' }),
    rules: nonEmptyList('rules').optional(),
    advisories: nonEmptyList('advisories').optional(),
    images: nonEmptyList('images').optional(),
    digests: z.array(z.string().regex(/^sha(256|384|512):[a-f0-9]+$/, { error: 'digest must look like sha256:<hex>' })).min(1).optional(),
  })
  .refine((e) => e.rules !== undefined || e.advisories !== undefined, { error: 'exception must name rules, advisories or both' })
  .refine((e) => e.images !== undefined || e.digests !== undefined, { error: "exception must be scoped to images (repository globs; '**' for all) or digests" });

export type ExceptionSpec = z.infer<typeof exceptionSchema>;

export const policyFileSchema = z.strictObject({
  version: z.union([z.string().min(1), z.number()]).transform(String),
  name: z.string().min(1),
  description: z.string().optional(),
  rules: z.array(z.unknown()).default([]),
  exceptions: z.array(z.unknown()).default([]),
  /** The central host-hardening standard; validated by host/host-policy.ts when `bulkhead host audit --policy` reads it. */
  hostHardening: z.unknown().optional(),
});
