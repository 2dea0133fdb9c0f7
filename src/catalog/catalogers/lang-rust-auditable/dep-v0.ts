/**
 * Reads the dependency list cargo-auditable embeds in Rust binaries: the ELF
 * section `.dep-v0` holds zlib-compressed JSON
 * `{"packages":[{"name","version","source","kind"?,"dependencies"?,"root"?}]}`
 * (schema: rust-secure-code/cargo-auditable, cargo-auditable.schema.json).
 * Inflation stops at 8 MiB, the limit rust-audit-info uses by default.
 */
import { inflateSync } from 'node:zlib';
import { z } from 'zod';
import { ImageFormatError, LimitExceededError } from '../../../domain/errors.js';
import { findSection, sectionData } from '../../elf/elf-file.js';
import type { ElfFile } from '../../elf/elf-file.js';
import { validate } from '../lang-shared/validate.js';

export const DEP_SECTION = '.dep-v0';
const MAX_COMPRESSED = 4 * 1024 * 1024;
const MAX_JSON = 8 * 1024 * 1024;

const packageSchema = z.object({
  name: z.string().min(1).max(256),
  version: z.string().min(1).max(256),
  // Serialized as "crates.io", "git", "local", "registry" or any other source name.
  source: z.union([z.string().max(256), z.object({ Other: z.string().max(256) }).transform((o) => o.Other)]),
  kind: z.enum(['build', 'runtime']).optional(),
  dependencies: z.array(z.number().int().nonnegative()).max(100_000).optional(),
  root: z.boolean().optional(),
});

const versionInfoSchema = z.object({
  format: z.number().int().nonnegative().optional(),
  packages: z.array(packageSchema).max(100_000),
});

export type AuditablePackage = z.infer<typeof packageSchema>;
export type AuditableVersionInfo = z.infer<typeof versionInfoSchema>;

/** Undefined when the binary has no `.dep-v0` section (not built with cargo-auditable). */
export function readDepV0(data: Buffer, elf: ElfFile): AuditableVersionInfo | undefined {
  const section = findSection(elf, DEP_SECTION);
  if (!section) return undefined;
  const compressed = sectionData(data, section, MAX_COMPRESSED);
  let json: Buffer;
  try {
    json = inflateSync(compressed, { maxOutputLength: MAX_JSON });
  } catch (cause) {
    if (cause instanceof RangeError) throw new LimitExceededError(`${DEP_SECTION} inflates past ${MAX_JSON} bytes`, { cause });
    throw new ImageFormatError(`${DEP_SECTION} is not valid zlib data`, { cause });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(json.toString('utf8'));
  } catch (cause) {
    throw new ImageFormatError(`${DEP_SECTION} is not valid JSON`, { cause });
  }
  const info = validate(versionInfoSchema, parsed, DEP_SECTION);
  for (const [i, p] of info.packages.entries()) {
    for (const d of p.dependencies ?? []) {
      if (d >= info.packages.length || d === i) throw new ImageFormatError(`${DEP_SECTION} package ${i} has an invalid dependency index ${d}`);
    }
  }
  return info;
}
