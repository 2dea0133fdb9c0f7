/**
 * The secret scanner as the scan pipeline uses it: `inspect` plugs into
 * readImage's per-layer inspection hook (so files a later layer deleted are
 * still scanned, in the layer that holds them), `findings()` collects what was
 * found, `scanConfig()` checks the image configuration.
 */
import type { Finding } from '../../domain/finding.js';
import type { ImageMetadata } from '../../domain/image.js';
import type { FileEntry } from '../../image/file-tree.js';
import type { InspectedLayer } from '../../image/layer-reader.js';
import { BUILTIN_SECRET_RULES } from './builtin-rules.js';
import { isNoisePath } from './noise-paths.js';
import { maskCreatedBy, scanImageConfigForSecrets } from './scan-image-config.js';
import { scanText } from './scan-text.js';
import { compileSecretAllowList, type SecretAllowListInput } from './secret-allow-list.js';
import { secretFinding } from './secret-finding.js';
import type { SecretRule } from './secret-rule.js';

/** Files above this are not read for secrets (config files and scripts are far smaller). */
export const DEFAULT_SECRET_MAX_FILE_BYTES = 1024 * 1024;
/** Binary detection window: a NUL byte in here marks the file binary. */
export const BINARY_SNIFF_BYTES = 8 * 1024;

export interface SecretScannerOptions {
  readonly rules?: readonly SecretRule[];
  readonly allow?: SecretAllowListInput;
  readonly maxFileBytes?: number;
}

export interface SecretScanner {
  /** The readImage `inspect` hook. */
  inspect(entry: FileEntry, layer: InspectedLayer): ((content: Buffer) => void) | undefined;
  /** Scans one file's content directly (directories, single files). */
  scanFile(path: string, content: Buffer, layer?: string): void;
  /**
   * Findings from inspected files so far, layers resolved to their diffIds.
   * Call after readImage returns; with the image's metadata each finding also
   * names the instruction (history created_by) that produced its layer.
   */
  findings(image?: ImageMetadata): Finding[];
  /** Secrets in env, labels and history. */
  scanConfig(image: ImageMetadata): Finding[];
}

export function isBinary(content: Buffer): boolean {
  return content.subarray(0, BINARY_SNIFF_BYTES).includes(0);
}

export function createSecretScanner(options: SecretScannerOptions = {}): SecretScanner {
  const rules = options.rules ?? BUILTIN_SECRET_RULES;
  const allow = compileSecretAllowList(options.allow);
  const maxFileBytes = options.maxFileBytes ?? DEFAULT_SECRET_MAX_FILE_BYTES;
  const found: Array<{ rule: SecretRule; secret: string; path: string; line: number; layer?: InspectedLayer | string }> = [];

  const scan = (path: string, content: Buffer, layer: InspectedLayer | string | undefined): void => {
    if (isBinary(content)) return;
    for (const m of scanText(content, rules, allow)) found.push({ rule: m.rule, secret: m.secret, path, line: m.line, ...(layer !== undefined ? { layer } : {}) });
  };

  return {
    inspect(entry, layer) {
      if (entry.size === 0 || entry.size > maxFileBytes || isNoisePath(entry.path) || allow.path(entry.path)) return undefined;
      return (content) => scan(entry.path, content, layer);
    },
    scanFile(path, content, layer) {
      if (content.length > maxFileBytes || isNoisePath(path) || allow.path(path)) return;
      scan(path, content, layer);
    },
    findings(image) {
      return found.map((f) => {
        const layer = typeof f.layer === 'string' ? f.layer : f.layer?.diffId;
        const instruction = layer ? image?.layers.find((l) => l.diffId === layer)?.createdBy : undefined;
        const createdBy = instruction ? maskCreatedBy(instruction, rules, allow) : undefined;
        return secretFinding(f.rule, f.secret, { path: f.path, line: f.line, ...(layer ? { layer } : {}), ...(createdBy ? { createdBy } : {}) });
      });
    },
    scanConfig(image) {
      return scanImageConfigForSecrets(image, rules, allow);
    },
  };
}
