/**
 * zod schema for the part of an SPDX 2.2/2.3 JSON document Bulkhead reads.
 * Loose objects: fields we do not read must not reject a valid document.
 */
import { z } from 'zod';

const text = z.string().max(65_536);

export const spdxDocument = z.looseObject({
  spdxVersion: z.enum(['SPDX-2.2', 'SPDX-2.3']),
  SPDXID: text,
  name: text.optional(),
  documentNamespace: text.optional(),
  creationInfo: z.looseObject({ created: text.optional(), creators: z.array(text).max(1000).optional() }).optional(),
  documentDescribes: z.array(text).optional(),
  packages: z
    .array(
      z.looseObject({
        SPDXID: text,
        name: text,
        versionInfo: text.optional(),
        supplier: text.optional(),
        description: text.optional(),
        licenseDeclared: text.optional(),
        licenseConcluded: text.optional(),
        primaryPackagePurpose: text.optional(),
        externalRefs: z
          .array(z.looseObject({ referenceCategory: text, referenceType: text, referenceLocator: text }))
          .max(10_000)
          .optional(),
      }),
    )
    .optional(),
  hasExtractedLicensingInfos: z
    .array(z.looseObject({ licenseId: text, name: text.optional(), extractedText: text.optional() }))
    .optional(),
  relationships: z
    .array(
      z.looseObject({ spdxElementId: text, relationshipType: text, relatedSpdxElement: text, comment: text.optional() }),
    )
    .optional(),
});

export type SpdxDocument = z.infer<typeof spdxDocument>;
export type SpdxDocumentPackage = NonNullable<SpdxDocument['packages']>[number];
