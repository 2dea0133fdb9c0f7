/**
 * Target strings, named like skopeo's transports: `docker-archive:PATH`,
 * `oci-archive:PATH`, `oci:DIR[:REF]`, `docker:NAME`, `registry:REF`,
 * `dir:PATH`, `sbom:FILE`. A bare string is a path when it exists (its kind
 * sniffed from the content) and an image reference otherwise.
 */
import { open, stat } from 'node:fs/promises';
import path from 'node:path';
import type { TargetKind } from '../domain/inventory.js';
import { BadInputError } from '../domain/errors.js';
import { DEFAULT_LIMITS } from '../image/limits.js';
import { indexTarFile } from '../image/tar/tar-index.js';

export interface Target {
  readonly kind: TargetKind;
  /** Path, reference or image name, without the transport prefix. */
  readonly value: string;
  /** `oci:DIR:REF` only. */
  readonly ref?: string;
}

const PREFIXES: readonly TargetKind[] = ['docker-archive', 'oci-archive', 'oci', 'docker', 'registry', 'dir', 'sbom'];

export async function parseTarget(input: string): Promise<Target> {
  if (input.trim() === '') throw new BadInputError('empty target: give an image reference, a path or TRANSPORT:VALUE');
  for (const kind of PREFIXES) {
    if (!input.startsWith(`${kind}:`)) continue;
    const value = input.slice(kind.length + 1);
    if (value === '') throw new BadInputError(`target "${input}" has nothing after "${kind}:"`);
    if (kind === 'oci') return parseOciLayout(value);
    return { kind, value };
  }
  const kind = await sniffPath(input);
  if (kind) return { kind, value: input };
  if (looksLikeReference(input)) return { kind: 'registry', value: input };
  if (input.includes('/')) throw new BadInputError(`no such file or directory: ${input}`);
  throw new BadInputError(`target "${input}" is neither an existing path nor an image reference`);
}

/** `oci:DIR:REF` — the last colon separates REF unless what follows it is a path. */
function parseOciLayout(value: string): Target {
  const colon = value.lastIndexOf(':');
  if (colon > 0 && !value.slice(colon + 1).includes('/')) {
    return { kind: 'oci', value: value.slice(0, colon), ref: value.slice(colon + 1) };
  }
  return { kind: 'oci', value };
}

async function sniffPath(p: string): Promise<TargetKind | undefined> {
  const info = await stat(p).catch(() => undefined);
  if (!info) return undefined;
  if (info.isDirectory()) {
    const layout = await stat(path.join(p, 'oci-layout')).catch(() => undefined);
    return layout?.isFile() ? 'oci' : 'dir';
  }
  if (!info.isFile()) throw new BadInputError(`target "${p}" is neither a file nor a directory`);
  const head = await readHead(p, 4096);
  const text = head.toString('utf8').trimStart();
  if (text.startsWith('{')) return 'sbom';
  if (head.length >= 512 && head.subarray(257, 262).toString('latin1') === 'ustar') {
    const index = await indexTarFile(p, DEFAULT_LIMITS);
    return index.get('/oci-layout') && !index.get('/manifest.json') ? 'oci-archive' : 'docker-archive';
  }
  throw new BadInputError(`cannot tell what "${p}" is: expected a tar archive, an SBOM or a directory (or use a TRANSPORT: prefix)`);
}

async function readHead(p: string, bytes: number): Promise<Buffer> {
  const handle = await open(p, 'r');
  try {
    const buf = Buffer.alloc(bytes);
    const { bytesRead } = await handle.read(buf, 0, bytes, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

function looksLikeReference(s: string): boolean {
  return /^[a-z0-9][a-z0-9._\-/:@]*$/i.test(s) && !s.startsWith('/') && !s.startsWith('.');
}
