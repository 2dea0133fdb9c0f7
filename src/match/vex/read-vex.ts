/**
 * Reads VEX documents: OpenVEX (v0.0.x string forms and v0.2 objects) and
 * CycloneDX VEX (a BOM whose vulnerabilities carry an analysis). Everything is
 * validated with zod and bounded in size; a document that is neither is a
 * BadInputError naming the file.
 */
import { open } from 'node:fs/promises';
import { z } from 'zod';
import { BadInputError, LimitExceededError } from '../../domain/errors.js';
import type { VexProduct, VexStatement } from './vex-statement.js';

const MAX_VEX_BYTES = 64 * 1024 * 1024;
const text = z.string().max(65_536);
const identifier = z.union([text, z.looseObject({ '@id': text.optional(), identifiers: z.looseObject({ purl: text.optional() }).optional() })]);

const openVexProduct = z.union([
  text,
  z.looseObject({
    '@id': text.optional(),
    identifiers: z.looseObject({ purl: text.optional() }).optional(),
    subcomponents: z.array(identifier).max(100_000).optional(),
  }),
]);

const openVex = z.looseObject({
  '@context': z.string().regex(/openvex/),
  statements: z
    .array(
      z.looseObject({
        vulnerability: z.union([text, z.looseObject({ name: text.optional(), '@id': text.optional(), aliases: z.array(text).max(1000).optional() })]),
        products: z.array(openVexProduct).max(100_000).optional(),
        subcomponents: z.array(identifier).max(100_000).optional(),
        status: z.enum(['not_affected', 'affected', 'fixed', 'under_investigation']),
        justification: text.optional(),
        impact_statement: text.optional(),
        status_notes: text.optional(),
      }),
    )
    .max(1_000_000),
});

const cycloneDxVex = z.looseObject({
  bomFormat: z.literal('CycloneDX'),
  vulnerabilities: z
    .array(
      z.looseObject({
        id: text,
        references: z.array(z.looseObject({ id: text })).max(1000).optional(),
        analysis: z
          .looseObject({
            state: z.enum(['resolved', 'resolved_with_pedigree', 'exploitable', 'in_triage', 'false_positive', 'not_affected']).optional(),
            justification: text.optional(),
            detail: text.optional(),
          })
          .optional(),
        affects: z.array(z.looseObject({ ref: text })).max(100_000).optional(),
      }),
    )
    .max(1_000_000),
});

/** OpenVEX statuses and CycloneDX analysis states that mean "this finding does not apply". */
const SUPPRESSING = new Set(['not_affected', 'fixed', 'resolved', 'resolved_with_pedigree', 'false_positive']);

export async function readVexFile(path: string): Promise<VexStatement[]> {
  const handle = await open(path, 'r').catch((error: NodeJS.ErrnoException) => {
    throw new BadInputError(`cannot read VEX document ${path}: ${error.code ?? error.message}`, { cause: error });
  });
  let body: string;
  try {
    const { size } = await handle.stat();
    if (size > MAX_VEX_BYTES) throw new LimitExceededError(`VEX document ${path} is ${size} bytes; over ${MAX_VEX_BYTES} is refused`);
    body = (await handle.readFile()).toString('utf8');
  } finally {
    await handle.close();
  }
  return parseVex(body, path);
}

export function parseVex(body: string, document: string): VexStatement[] {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (error) {
    throw new BadInputError(`VEX document ${document} is not JSON: ${(error as Error).message}`, { cause: error });
  }
  const asOpenVex = openVex.safeParse(json);
  if (asOpenVex.success) return fromOpenVex(asOpenVex.data, document);
  const asCycloneDx = cycloneDxVex.safeParse(json);
  if (asCycloneDx.success) return fromCycloneDx(asCycloneDx.data, document);
  const looksOpenVex = typeof json === 'object' && json !== null && '@context' in json;
  const issue = (looksOpenVex ? asOpenVex.error : asCycloneDx.error).issues[0];
  throw new BadInputError(
    `VEX document ${document} is neither OpenVEX nor CycloneDX VEX (${looksOpenVex ? 'OpenVEX' : 'CycloneDX'}: ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'})`,
  );
}

function idOf(value: z.infer<typeof identifier> | z.infer<typeof openVexProduct>): string[] {
  if (typeof value === 'string') return [value];
  return [value['@id'], value.identifiers?.purl].filter((v): v is string => v !== undefined && v !== '');
}

function fromOpenVex(doc: z.infer<typeof openVex>, document: string): VexStatement[] {
  return doc.statements.map((s) => {
    const vulnerabilities =
      typeof s.vulnerability === 'string'
        ? [s.vulnerability]
        : [s.vulnerability.name, s.vulnerability['@id'], ...(s.vulnerability.aliases ?? [])].filter((v): v is string => v !== undefined && v !== '');
    // v0.0.x put subcomponents beside the products; v0.2 nests them in each product.
    const shared = (s.subcomponents ?? []).flatMap(idOf);
    const products: VexProduct[] = (s.products ?? []).map((p) => ({
      ids: idOf(p),
      subcomponents: [...shared, ...(typeof p === 'string' ? [] : (p.subcomponents ?? []).flatMap(idOf))],
    }));
    const statement = s.impact_statement ?? s.status_notes;
    return {
      vulnerabilities,
      products,
      status: s.status,
      suppresses: SUPPRESSING.has(s.status),
      ...(s.justification ? { justification: s.justification } : {}),
      ...(statement ? { statement } : {}),
      document,
    };
  });
}

function fromCycloneDx(doc: z.infer<typeof cycloneDxVex>, document: string): VexStatement[] {
  return doc.vulnerabilities.flatMap((v) => {
    if (v.analysis?.state === undefined) return [];
    return [
      {
        vulnerabilities: [v.id, ...(v.references ?? []).map((r) => r.id)],
        // CycloneDX refs may be BOM-Link URNs (urn:cdx:serial/version#bom-ref): the bom-ref is after '#'.
        products: (v.affects ?? []).map((a) => ({
          ids: [a.ref.startsWith('urn:cdx:') && a.ref.includes('#') ? decodeURIComponent(a.ref.slice(a.ref.indexOf('#') + 1)) : a.ref],
          subcomponents: [],
        })),
        status: v.analysis.state,
        suppresses: SUPPRESSING.has(v.analysis.state),
        ...(v.analysis.justification ? { justification: v.analysis.justification } : {}),
        ...(v.analysis.detail ? { statement: v.analysis.detail } : {}),
        document,
      },
    ];
  });
}
