/**
 * inventory() plus the checks that need the image's content while it streams:
 * secrets in every layer's files (deleted ones too) and in the image config,
 * and the squashed tree for file-based image checks. The Inventory itself
 * never carries findings; they come back beside it.
 */
import type { Finding } from '../domain/finding.js';
import type { Inventory } from '../domain/inventory.js';
import type { FileTree } from '../image/file-tree.js';
import { inventory, type InventoryOptions } from '../scan/inventory-target.js';
import type { Target } from '../scan/target.js';
import { createSecretScanner, type SecretScannerOptions } from './secrets/secret-scanner.js';

export interface InventoryWithChecksOptions extends Omit<InventoryOptions, 'inspect' | 'onTree'> {
  /** Scan files of every layer and the image config for secrets (default off). */
  readonly secrets?: boolean | SecretScannerOptions;
}

export interface InventoryWithChecks {
  readonly inventory: Inventory;
  /** Kind 'secret' findings: files (per layer, with line), then env/labels/history. Empty unless `secrets`. */
  readonly findings: readonly Finding[];
  /** The squashed tree (for runImageConfigChecks' setuid check); absent for SBOM targets. */
  readonly tree?: FileTree;
}

export async function inventoryWithChecks(target: string | Target, options: InventoryWithChecksOptions = {}): Promise<InventoryWithChecks> {
  const { secrets, ...rest } = options;
  const scanner = secrets ? createSecretScanner(secrets === true ? {} : secrets) : undefined;
  let tree: FileTree | undefined;
  const result = await inventory(target, {
    ...rest,
    ...(scanner ? { inspect: scanner.inspect } : {}),
    onTree: (t) => {
      tree = t;
    },
  });
  const image = result.image;
  // Directory targets are not secret-scanned: their walk only visits what the catalogers select.
  let findings: Finding[] = [];
  if (scanner && image) {
    const started = performance.now();
    findings = [...scanner.findings(image), ...scanner.scanConfig(image)];
    options.onStage?.('secrets', performance.now() - started);
  }
  return { inventory: result, findings, ...(tree ? { tree } : {}) };
}
