/**
 * The stored assessment of one image: what `inventories.document` holds and
 * what `POST /api/v1/scans` uploads. It is everything the console needs to
 * re-decide an image without pulling it again: the inventory (packages are
 * re-matched on every advisory update), the findings of the checks that saw
 * the image's content (secrets, image configuration — vulnerabilities are
 * never uploaded, the console matches them against its own advisory data)
 * and the file contents application-configuration rules read.
 *
 * Uploads are untrusted, and so is the stored text read back (anyone with
 * the database could edit it): both go through `assessmentSchema`.
 */
import { z } from 'zod';
import { ECOSYSTEMS } from '../../domain/ecosystem.js';
import type { Finding } from '../../domain/finding.js';
import type { Inventory } from '../../domain/inventory.js';
import { SEVERITY_LEVELS } from '../../domain/severity.js';
import type { SubjectFile } from '../../domain/subject.js';
import { inventorySchema } from '../../sbom/index.js';

export const ASSESSMENT_SCHEMA = 'bulkhead.assessment/v1';

export interface ImageAssessment {
  readonly schema: typeof ASSESSMENT_SCHEMA;
  readonly inventory: Inventory;
  /** Secret and image-configuration findings (gateTarget's checkFindings); never vulnerabilities. */
  readonly checkFindings: readonly Finding[];
  /** path → content of the files the policy's application-config rules read. */
  readonly files: Readonly<Record<string, SubjectFile>>;
}

/** Bounds on one document beyond the inventory's own. */
export const ASSESSMENT_LIMITS = {
  checkFindings: 100_000,
  files: 10_000,
  fileBytes: 1024 * 1024,
} as const;

const text = z.string().max(65_536);
const shortText = z.string().max(4096);

const findingPackage = z.strictObject({
  id: shortText,
  ecosystem: z.enum(ECOSYSTEMS),
  name: text,
  version: text,
  purl: text,
  path: text.optional(),
  layer: shortText.optional(),
  createdBy: text.optional(),
});

const rating = z.strictObject({
  source: shortText,
  type: z.enum(['CVSS_V2', 'CVSS_V3', 'CVSS_V4', 'rating']),
  vector: shortText.optional(),
  score: z.number().min(0).max(10).optional(),
  level: z.enum(SEVERITY_LEVELS),
});

export const findingSchema = z.strictObject({
  kind: z.enum(['vulnerability', 'secret', 'config', 'license']),
  id: shortText.min(1),
  aliases: z.array(shortText).max(1000),
  package: findingPackage.optional(),
  severity: z.enum(SEVERITY_LEVELS),
  ratings: z.array(rating).max(100),
  epss: z.strictObject({ score: z.number().min(0).max(1), percentile: z.number().min(0).max(1) }).optional(),
  kev: z.strictObject({ dateAdded: shortText, dueDate: shortText.optional() }).optional(),
  fixedVersions: z.array(text).max(1000),
  status: z.enum(['fixed', 'unfixed', 'will-not-fix', 'postponed', 'undetermined']),
  published: shortText.optional(),
  fixAvailableSince: shortText.optional(),
  summary: text.optional(),
  references: z.array(z.strictObject({ type: shortText, url: text })).max(1000),
  evidence: z.strictObject({
    source: shortText,
    matchedBy: z.enum(['direct', 'source-package']),
    lookupName: text,
    range: text.optional(),
    detail: text.optional(),
  }),
  suppressed: z
    .strictObject({
      by: z.enum(['vex', 'exception']),
      status: shortText,
      justification: text.optional(),
      statement: text.optional(),
      document: text.optional(),
    })
    .optional(),
  cwes: z.array(shortText).max(100).optional(),
  location: z
    .strictObject({
      path: text.optional(),
      layer: shortText.optional(),
      line: z.number().int().positive().optional(),
      field: text.optional(),
      createdBy: text.optional(),
    })
    .optional(),
});

const subjectFile = z.strictObject({ content: z.string().max(ASSESSMENT_LIMITS.fileBytes), layer: shortText.optional() });

/**
 * path → file. Checked on the parsed object and rebuilt with fromEntries
 * (as the inventory schema does for labels), so a '__proto__' key stays an
 * own property instead of being dropped or turned into a prototype.
 */
const files = z
  .custom<Record<string, unknown>>(
    (value) => typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length <= ASSESSMENT_LIMITS.files,
    { message: `expected an object of at most ${ASSESSMENT_LIMITS.files} files` },
  )
  .transform((value, ctx) => {
    const out: [string, SubjectFile][] = [];
    for (const [key, entry] of Object.entries(value)) {
      const parsed = subjectFile.safeParse(entry);
      if (key.length === 0 || key.length > 4096 || !parsed.success) {
        ctx.addIssue({ code: 'custom', message: `files["${key.slice(0, 100)}"] must be { content: string (≤ 1 MiB), layer?: string }`, path: [key] });
        return z.NEVER;
      }
      out.push([key, parsed.data]);
    }
    return Object.fromEntries(out) as Record<string, SubjectFile>;
  });

export const assessmentSchema = z.strictObject({
  schema: z.literal(ASSESSMENT_SCHEMA),
  inventory: inventorySchema,
  checkFindings: z
    .array(findingSchema)
    .max(ASSESSMENT_LIMITS.checkFindings)
    .refine((list) => list.every((f) => f.kind !== 'vulnerability'), {
      message: 'checkFindings holds secret, config and license findings; vulnerabilities are matched by the console',
    })
    .default([]),
  files: files.default({}),
});

// Compile-time guard: what the schema accepts is an ImageAssessment.
const _parsedIsAssessment = (value: z.infer<typeof assessmentSchema>): ImageAssessment => value;
void _parsedIsAssessment;

/** Parses stored or uploaded assessment JSON text; throws a ZodError or SyntaxError on bad input. */
export function parseAssessmentText(json: string): ImageAssessment {
  return assessmentSchema.parse(JSON.parse(json));
}
