/**
 * zod schema for the part of a CycloneDX 1.4–1.6 JSON document Bulkhead
 * reads. Loose objects: producers add fields we do not need, and a field we
 * do not read must not make a valid document fail.
 */
import { z } from 'zod';

const text = z.string().max(65_536);

const property = z.looseObject({ name: text, value: text.optional() });

const license = z.looseObject({
  license: z.looseObject({ id: text.optional(), name: text.optional() }).optional(),
  expression: text.optional(),
});

export interface CycloneDxComponent {
  type: string;
  name: string;
  version?: string | undefined;
  group?: string | undefined;
  description?: string | undefined;
  purl?: string | undefined;
  scope?: string | undefined;
  'bom-ref'?: string | undefined;
  licenses?: z.infer<typeof license>[] | undefined;
  properties?: z.infer<typeof property>[] | undefined;
  components?: CycloneDxComponent[] | undefined;
}

// Depth is bounded before validation (read-sbom.ts), so the recursion is too.
export const cycloneDxComponent: z.ZodType<CycloneDxComponent> = z.lazy(() =>
  z.looseObject({
    type: text,
    name: text,
    version: text.optional(),
    group: text.optional(),
    description: text.optional(),
    purl: text.optional(),
    scope: text.optional(),
    'bom-ref': text.optional(),
    licenses: z.array(license).max(10_000).optional(),
    properties: z.array(property).max(100_000).optional(),
    components: z.array(cycloneDxComponent).optional(),
  }),
);

const toolEntry = z.looseObject({ name: text.optional(), vendor: text.optional(), version: text.optional() });

export const cycloneDxDocument = z.looseObject({
  bomFormat: z.literal('CycloneDX'),
  specVersion: z.enum(['1.4', '1.5', '1.6']),
  serialNumber: text.optional(),
  metadata: z
    .looseObject({
      timestamp: text.optional(),
      // 1.4 lists tools; 1.5+ has {components, services} (the list form is deprecated, still valid).
      tools: z.union([z.array(toolEntry), z.looseObject({ components: z.array(toolEntry).optional() })]).optional(),
      component: cycloneDxComponent.optional(),
    })
    .optional(),
  components: z.array(cycloneDxComponent).optional(),
  dependencies: z
    .array(z.looseObject({ ref: text, dependsOn: z.array(text).optional() }))
    .optional(),
});

export type CycloneDxDocument = z.infer<typeof cycloneDxDocument>;
