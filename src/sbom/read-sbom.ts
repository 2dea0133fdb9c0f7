/**
 * Reads an SBOM someone else (or Bulkhead) wrote into an Inventory, so an
 * `sbom:` target is matched like a scanned image. Detects CycloneDX JSON
 * (1.4–1.6), SPDX JSON (2.2/2.3) and Bulkhead's inventory JSON; everything
 * is bounded and validated before use.
 */
import { createHash } from 'node:crypto';
import type { z } from 'zod';
import { BadInputError, LimitExceededError } from '../domain/errors.js';
import type { Inventory } from '../domain/inventory.js';
import { cycloneDxDocument } from './cyclonedx/cyclonedx-document.js';
import { fromCycloneDx } from './cyclonedx/from-cyclonedx.js';
import { inventorySchema } from './inventory-json/inventory-schema.js';
import type { SbomContent } from './sbom-content.js';
import { spdxDocument } from './spdx/spdx-document.js';
import { fromSpdx } from './spdx/from-spdx.js';

export interface ReadSbomOptions {
  /** Longest document accepted, in UTF-16 code units (≈ bytes for JSON). Default 128 MiB. */
  readonly maxChars?: number;
  /** Most components/packages accepted. Default 500 000. */
  readonly maxComponents?: number;
  /** Deepest JSON nesting accepted. Default 64. */
  readonly maxDepth?: number;
  /** Bulkhead's version, recorded as Inventory.tool.version. */
  readonly toolVersion?: string;
  /** Inventory.createdAt; now when absent. */
  readonly now?: Date;
}

export const DEFAULT_SBOM_LIMITS = { maxChars: 128 * 1024 * 1024, maxComponents: 500_000, maxDepth: 64 } as const;

export function readSbom(text: string, reference: string, options: ReadSbomOptions = {}): Inventory {
  const maxChars = options.maxChars ?? DEFAULT_SBOM_LIMITS.maxChars;
  const maxComponents = options.maxComponents ?? DEFAULT_SBOM_LIMITS.maxComponents;
  const maxDepth = options.maxDepth ?? DEFAULT_SBOM_LIMITS.maxDepth;
  if (text.length > maxChars) {
    throw new LimitExceededError(`SBOM ${reference} is ${text.length} characters, over the limit of ${maxChars}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (error) {
    throw new BadInputError(`SBOM ${reference} is not JSON (only CycloneDX and SPDX JSON are read)`, { cause: error });
  }
  checkShape(json, reference, maxDepth, maxComponents);
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new BadInputError(`SBOM ${reference} is not a JSON object`);
  }
  const record = json as Record<string, unknown>;
  const id = `sha256:${createHash('sha256').update(text).digest('hex')}`;
  const target = { kind: 'sbom', reference } as const;

  if (record['schema'] === 'bulkhead.inventory/v1') {
    const inv = validate(inventorySchema, json, reference, 'Bulkhead inventory');
    return { ...inv, id, target };
  }
  let content: SbomContent;
  if (record['bomFormat'] === 'CycloneDX') {
    const version = record['specVersion'];
    if (version !== '1.4' && version !== '1.5' && version !== '1.6') {
      throw new BadInputError(`SBOM ${reference}: CycloneDX ${describe(version)} is not supported (1.4–1.6 are)`);
    }
    content = fromCycloneDx(validate(cycloneDxDocument, json, reference, 'CycloneDX'));
  } else if (typeof record['spdxVersion'] === 'string') {
    const version = record['spdxVersion'];
    if (version !== 'SPDX-2.2' && version !== 'SPDX-2.3') {
      throw new BadInputError(`SBOM ${reference}: ${describe(version)} is not supported (SPDX-2.2 and SPDX-2.3 are)`);
    }
    content = fromSpdx(validate(spdxDocument, json, reference, 'SPDX'));
  } else {
    throw new BadInputError(`SBOM ${reference} is neither CycloneDX JSON, SPDX JSON nor a Bulkhead inventory`);
  }
  return {
    schema: 'bulkhead.inventory/v1',
    id,
    target,
    ...(content.image ? { image: content.image } : {}),
    ...(content.distro ? { distro: content.distro } : {}),
    packages: content.packages,
    relationships: content.relationships,
    catalogers: [{ name: content.reader, version: 1, packages: content.packages.length, files: 1 }],
    warnings: content.warnings,
    createdAt: (options.now ?? new Date()).toISOString(),
    tool: { name: 'bulkhead', version: options.toolVersion ?? 'unknown' },
  };
}

function validate<T>(schema: z.ZodType<T>, json: unknown, reference: string, format: string): T {
  const result = schema.safeParse(json);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = issue ? issue.path.map(String).join('.') || '(root)' : '(root)';
  throw new BadInputError(`SBOM ${reference} is not valid ${format} JSON: ${where}: ${issue?.message ?? 'invalid'}`);
}

function describe(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value.slice(0, 40)) : typeof value;
}

/**
 * Walks the parsed document without recursion before any validator does
 * (zod's recursive schemas would overflow the stack on hostile nesting),
 * and counts the entries of every `components`/`packages` array.
 */
function checkShape(root: unknown, reference: string, maxDepth: number, maxComponents: number): void {
  const stack: [unknown, number][] = [[root, 0]];
  let components = 0;
  while (stack.length > 0) {
    const [value, depth] = stack.pop() as [unknown, number];
    if (typeof value !== 'object' || value === null) continue;
    if (depth > maxDepth) throw new LimitExceededError(`SBOM ${reference} nests deeper than ${maxDepth} levels`);
    if (Array.isArray(value)) {
      for (const item of value) if (typeof item === 'object' && item !== null) stack.push([item, depth + 1]);
      continue;
    }
    for (const [key, child] of Object.entries(value)) {
      if ((key === 'components' || key === 'packages') && Array.isArray(child)) {
        components += child.length;
        if (components > maxComponents) {
          throw new LimitExceededError(`SBOM ${reference} lists more than ${maxComponents} components`);
        }
      }
      if (typeof child === 'object' && child !== null) stack.push([child, depth + 1]);
    }
  }
}
