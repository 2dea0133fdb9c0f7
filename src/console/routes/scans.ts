/**
 * Scan intake. CI (`bulkhead scan TARGET --console URL --token T`) and
 * defenders upload the assessment they took; the console stores it, matches
 * it against its own advisory data, decides with the active policy and
 * answers with the decision, so the pipeline can gate on the console's
 * verdict. Or a client names a registry image and a console worker pulls and
 * scans it (job 'scan.target').
 */
import { z } from 'zod';
import { BadInputError } from '../../domain/errors.js';
import { parseImageReference, repositoryName } from '../../image/sources/image-reference.js';
import { scopeAllows } from '../auth/scope-allows.js';
import { assessmentSchema } from '../inventory/assessment-document.js';
import { recordAssessment, SCAN_TARGET_JOB, type ScanTargetJob } from '../inventory/image-assessment.js';
import { DIGEST_PATTERN, imageIdentity } from '../inventory/image-identity.js';
import { actorOf, type Principal } from '../principal.js';
import { ProblemError, route } from '../route.js';

/** The route's own ceiling (the server buffers up to it); config.scanUploadLimit, when lower, is checked in the handler. */
export const SCAN_UPLOAD_CEILING = 256 * 1024 * 1024;

export const environmentSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'environment names are 1-64 letters, digits, ".", "_" or "-"');
const referenceSchema = z.string().min(1).max(1024);

/**
 * One object rather than a union, so a bad field in a large upload is named
 * by its path (a union would only say "invalid input").
 */
const scanRequestSchema = z
  .strictObject({
    assessment: assessmentSchema.optional(),
    target: referenceSchema.optional().describe('registry image to pull and scan (instead of an upload)'),
    reference: referenceSchema.optional().describe('how the uploaded image is referred to: registry/repo:tag'),
    digest: z.string().regex(DIGEST_PATTERN, 'a sha256:… (or sha384/sha512) digest').optional(),
    environment: environmentSchema.optional(),
  })
  .refine((b) => (b.assessment === undefined) !== (b.target === undefined), 'give either "assessment" (an upload) or "target" (an image for the console to pull and scan)')
  .refine((b) => b.target === undefined || (b.reference === undefined && b.digest === undefined), '"reference" and "digest" describe an upload; a "target" names the image itself');

const violationSchema = z.object({ ruleId: z.string(), effect: z.string(), severity: z.string(), message: z.string(), remediation: z.string().optional() });

const scanAnswerSchema = z.object({
  digest: z.string(),
  verdict: z.enum(['allow', 'warn', 'block']),
  previousVerdict: z.enum(['allow', 'warn', 'block']).nullable(),
  violations: z.array(violationSchema),
  decision: z.object({}).passthrough(),
  findings: z.object({ total: z.number(), bySeverity: z.record(z.string(), z.number()), new: z.number(), resolved: z.number() }),
  problems: z.array(z.string()),
});

function outsideScope(principal: Principal, repositories: readonly string[], registry: string | null): boolean {
  return principal.scope !== null && !scopeAllows(principal, { repositories, registry });
}

export const scanRoutes = [
  route({
    method: 'POST',
    url: '/api/v1/scans',
    summary: 'Upload an assessment (answers with the decision) or name a registry image to scan ({ target } → a queued job)',
    tag: 'scans',
    access: ['ci', 'defender'],
    bodyLimit: SCAN_UPLOAD_CEILING,
    body: scanRequestSchema,
    response: scanAnswerSchema,
    handler: async ({ body, principal, headers }, ctx) => {
      const p = principal!;
      const length = Number(headers['content-length'] ?? 0);
      if (length > ctx.config.scanUploadLimit) {
        throw new ProblemError(413, 'Payload Too Large', `scan uploads are limited to ${ctx.config.scanUploadLimit} bytes (scanUploadLimit)`);
      }
      if (body.target !== undefined) {
        let ref;
        try {
          ref = parseImageReference(body.target.replace(/^registry:/, ''));
        } catch (error) {
          throw new ProblemError(400, 'Invalid request', (error as Error).message);
        }
        if (outsideScope(p, [repositoryName(ref)], ref.domain)) throw new ProblemError(403, 'Forbidden', `${repositoryName(ref)} is outside your collections`);
        const payload: ScanTargetJob = { target: body.target.replace(/^registry:/, ''), ...(body.environment ? { environment: body.environment } : {}), requestedBy: actorOf(p) };
        const jobId = await ctx.jobs.enqueue(SCAN_TARGET_JOB, payload);
        await ctx.audit.append({ actor: actorOf(p), action: 'scan.request', target: `image:${payload.target}`, detail: { jobId, ...(body.environment ? { environment: body.environment } : {}) } });
        return { status: 202, headers: { location: `/api/v1/jobs/${jobId}` }, body: { jobId, kind: SCAN_TARGET_JOB, state: 'queued', target: payload.target } };
      }

      const upload = { ...body, assessment: body.assessment! };
      let identity;
      try {
        identity = imageIdentity(upload.assessment.inventory, upload);
      } catch (error) {
        if (error instanceof BadInputError) throw new ProblemError(400, 'Invalid request', error.message);
        throw error;
      }
      if (outsideScope(p, identity.repositories, identity.registry)) {
        throw new ProblemError(403, 'Forbidden', `the image (${identity.repositories.join(', ') || 'no repository named'}) is outside your collections`);
      }
      const result = await recordAssessment(ctx, upload, { cause: { reason: 'scan' } });
      const bySeverity: Record<string, number> = {};
      let total = 0;
      for (const f of result.findings) {
        if (f.suppressed) continue;
        bySeverity[f.severity] = (bySeverity[f.severity] ?? 0) + 1;
        total++;
      }
      await ctx.audit.append({
        actor: actorOf(p),
        action: 'scan.upload',
        target: `image:${result.digest}`,
        detail: {
          ...(body.reference ? { reference: body.reference } : {}),
          ...(body.environment ? { environment: body.environment } : {}),
          inventoryId: upload.assessment.inventory.id,
          packages: upload.assessment.inventory.packages.length,
          verdict: result.decision.verdict,
          newFindings: result.newFindings.length,
        },
      });
      return {
        status: 201,
        headers: { location: `/api/v1/images/${result.digest}` },
        body: {
          digest: result.digest,
          verdict: result.decision.verdict,
          previousVerdict: result.previousVerdict,
          violations: result.decision.violations,
          decision: result.decision,
          findings: { total, bySeverity, new: result.newFindings.length, resolved: result.resolvedFindings.length },
          problems: result.problems,
        },
      };
    },
  }),
];
