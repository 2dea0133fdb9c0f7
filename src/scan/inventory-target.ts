/**
 * scan: target → Inventory. Resolves the target string to an image source,
 * streams its layers keeping only what catalogers select, detects the distro,
 * runs the catalogers and assembles the inventory document.
 */
import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import type { Distro } from '../domain/distro.js';
import type { ImageMetadata } from '../domain/image.js';
import type { Inventory, ScanWarning } from '../domain/inventory.js';
import { BadInputError, LimitExceededError } from '../domain/errors.js';
import type { FileEntry, FileTree } from '../image/file-tree.js';
import type { ImageSource } from '../image/image-source.js';
import { DEFAULT_LIMITS, type ReadLimits } from '../image/limits.js';
import { openDockerArchive, openDirectory, openOciArchive, openOciLayout, parsePlatform, readImage, type ReadImageOptions } from '../image/index.js';
import { SNIFF_BYTES } from '../image/layer-reader.js';
import { openRegistryImage } from '../image/sources/registry.js';
import { openDockerDaemonImage } from '../image/sources/docker-daemon.js';
import { selectCatalogers } from '../catalog/registry.js';
import { runCatalogers } from '../catalog/run-catalogers.js';
import { selectsAny } from '../catalog/selects-any.js';
import { detectDistro, distroSelects } from '../catalog/distro/detect-distro.js';
import { DEFAULT_SBOM_LIMITS, readSbom } from '../sbom/index.js';
import { parseTarget, type Target } from './target.js';
import type { ScanProgress, StageTimer } from './progress.js';
import { toolVersion } from './tool-version.js';

export interface InventoryOptions {
  /** `--catalogers` terms: names or prefixes, `-name` excludes. */
  readonly catalogers?: readonly string[];
  /** `os/arch[/variant]` for image indexes; default the host's. */
  readonly platform?: string;
  /** Allow plain-HTTP registries. */
  readonly insecure?: boolean;
  readonly username?: string;
  readonly password?: string;
  /** Docker Engine address (`unix:///var/run/docker.sock`); default DOCKER_HOST or the standard socket. */
  readonly dockerHost?: string;
  readonly limits?: Partial<ReadLimits>;
  readonly onProgress?: (event: ScanProgress) => void;
  readonly onStage?: StageTimer;
  /**
   * Transient per-layer content inspection while the image streams (every
   * layer's files, deleted ones too; see ReadImageOptions.inspect). The secret
   * scanner plugs in here through checks/inventory-with-checks.ts.
   */
  readonly inspect?: ReadImageOptions['inspect'];
  /** Receives the squashed tree before the inventory is returned, for file-based checks (setuid/setgid). */
  readonly onTree?: (tree: FileTree) => void;
  /** More paths whose content to keep, beyond what the catalogers select (policy file rules). */
  readonly extraSelects?: (path: string) => boolean;
}


export async function inventory(target: string | Target, options: InventoryOptions = {}): Promise<Inventory> {
  const parsed = typeof target === 'string' ? await parseTarget(target) : target;
  const reference = typeof target === 'string' ? target : `${parsed.kind}:${parsed.value}`;
  const limits: ReadLimits = { ...DEFAULT_LIMITS, ...options.limits };
  const catalogers = selectCatalogers(options.catalogers);
  const timed = async <T>(stage: string, work: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    try {
      return await work();
    } finally {
      options.onStage?.(stage, performance.now() - started);
    }
  };

  if (parsed.kind === 'sbom') {
    const text = await timed('read-sbom', () => readBounded(parsed.value, DEFAULT_SBOM_LIMITS.maxChars));
    return readSbom(text, reference, { toolVersion: toolVersion() });
  }

  // Regular files the stream offered and some cataloger selected: the only ones worth offering the catalogers again.
  const selectedPaths = new Set<string>();
  const catalogersSelect = selectsAny(catalogers);
  const selects = (p: string): boolean => {
    const wanted = distroSelects(p) || catalogersSelect(p) || options.extraSelects?.(p) === true;
    if (wanted) selectedPaths.add(p);
    return wanted;
  };
  const sniffers = catalogers.flatMap((c) => (c.sniff ? [c.sniff] : []));
  // A file's content is reduced only for its one reader: nobody else selects or sniffs it.
  const reducers = catalogers.filter((c) => c.reduce !== undefined);
  const reduce = (p: string, content: Buffer): Buffer => {
    const owner = reducers.find((c) => c.selects(p));
    if (!owner?.reduce || distroSelects(p) || options.extraSelects?.(p) === true) return content;
    if (catalogers.some((c) => c !== owner && c.selects(p))) return content;
    // A cataloger that only sniffs this path (the Go binary cataloger and /usr/bin/python3.11) judges the
    // head of whatever the tree holds: reduce only when it rejects both the original head and the reduced one.
    const sniffing = catalogers.flatMap((c) => (c !== owner && c.sniff?.selects(p) === true ? [c.sniff] : []));
    const kept = (bytes: Buffer): boolean => sniffing.some((s) => s.keep(bytes.subarray(0, SNIFF_BYTES), p));
    if (kept(content)) return content;
    const reduced = owner.reduce(p, content);
    return kept(reduced) ? content : reduced;
  };
  // Files a sniffer looked at: the only unselected ones that may hold content.
  const sniffedPaths = new Set<string>();
  const sniff = (p: string): ((head: Buffer) => boolean) | undefined => {
    // Asked for every unselected file: no allocation unless some sniffer is interested.
    if (!sniffers.some((s) => s.selects(p))) return undefined;
    const interested = sniffers.filter((s) => s.selects(p));
    sniffedPaths.add(p);
    return (head) => interested.some((s) => s.keep(head, p));
  };
  let tree: FileTree;
  let candidates: readonly FileEntry[] | undefined;
  let image: ImageMetadata | undefined;
  const warnings: ScanWarning[] = [];
  const warn = (message: string, path?: string): void => {
    warnings.push({ message, ...(path ? { path } : {}) });
  };
  if (parsed.kind === 'dir') {
    const dir = await openDirectory(parsed.value, limits);
    const selection = await timed('walk', () => dir.select((p) => selects(p) || sniffers.some((s) => s.selects(p))));
    tree = dir.tree;
    candidates = selection.files;
    warnings.push(...selection.warnings);
  } else {
    const source = await timed('resolve', () => openSource(parsed, options, limits, warn));
    try {
      const read = await timed('layers', () =>
        readImage(source, {
          selects,
          sniff,
          ...(reducers.length > 0 ? { reduce } : {}),
          ...(options.inspect ? { inspect: options.inspect } : {}),
          limits,
          onProgress: (p) => options.onProgress?.({ stage: 'layers', ...p }),
        }),
      );
      tree = read.tree;
      image = read.metadata;
      // Every regular file went through selects() while streaming; links are resolved by the runner, and
      // directories and devices are never offered (collected in one pass: a large image has 100k+ entries).
      candidates = [
        ...read.tree.entries(
          (p, type) => type !== 'dir' && type !== 'other' && (type !== 'file' || selectedPaths.has(p) || (sniffedPaths.has(p) && read.tree.readable(p))),
        ),
      ];
      warnings.push(...read.warnings);
    } finally {
      await source.close();
    }
  }

  options.onTree?.(tree);
  const distro: Distro | undefined = await timed('distro', () => detectDistro(tree));
  const outcome = await timed('catalog', () =>
    runCatalogers(tree, catalogers, {
      candidates,
      layers: image?.layers.map((l) => l.diffId),
      distro,
      maxFileBytes: limits.maxFileBytes,
      onCataloger: (cataloger, index, total) => options.onProgress?.({ stage: 'catalog', cataloger, index, total }),
    }),
  );
  warnings.push(...outcome.warnings);

  const identity = image?.configDigest ?? `${parsed.kind}:${parsed.value}`;
  const id = createHash('sha256')
    .update(identity)
    .update(outcome.runs.map((r) => `${r.name}@${r.version}`).join(','))
    .digest('hex');
  return {
    schema: 'bulkhead.inventory/v1',
    id: `sha256:${id}`,
    target: { kind: parsed.kind, reference },
    ...(image ? { image } : {}),
    ...(distro ? { distro } : {}),
    packages: outcome.packages,
    relationships: outcome.relationships,
    catalogers: outcome.runs,
    warnings,
    createdAt: new Date().toISOString(),
    tool: { name: 'bulkhead', version: toolVersion() },
  };
}

async function openSource(
  target: Target,
  options: InventoryOptions,
  limits: ReadLimits,
  warn: (message: string, path?: string) => void,
): Promise<ImageSource> {
  const platform = options.platform ? parsePlatform(options.platform) : undefined;
  switch (target.kind) {
    case 'docker-archive':
      return openDockerArchive(target.value);
    case 'oci-archive':
      return openOciArchive(target.value, platform);
    case 'oci':
      return openOciLayout(target.value, target.ref, platform);
    case 'docker':
      return openDockerDaemonImage(target.value, { host: options.dockerHost, limits, warn });
    case 'registry':
      return openRegistryImage(target.value, {
        platform,
        insecure: options.insecure,
        username: options.username,
        password: options.password,
        limits,
        warn,
      });
    default:
      throw new BadInputError(`target kind ${target.kind} is not an image`);
  }
}

async function readBounded(path: string, maxBytes: number): Promise<string> {
  const handle = await open(path, 'r').catch((error: NodeJS.ErrnoException) => {
    throw new BadInputError(`cannot read ${path}: ${error.code ?? error.message}`, { cause: error });
  });
  try {
    const { size } = await handle.stat();
    if (size > maxBytes) throw new LimitExceededError(`${path} is ${size} bytes; SBOMs over ${maxBytes} bytes are refused`);
    return (await handle.readFile()).toString('utf8');
  } finally {
    await handle.close();
  }
}
