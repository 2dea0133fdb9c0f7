/**
 * Test helpers that build real archives with GNU tar, gzip and zstd in a
 * temporary directory, plus a raw ustar header writer for inputs no tool
 * would produce (escaping names, base-256 sizes, multi-gigabyte bodies).
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export function makeTemp(): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'bulkhead-image-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export type TreeSpec = Record<string, string | { symlink: string } | { dir: true } | { hardlink: string }>;

/** Creates files, directories and links under root; keys are relative paths. */
export function writeTree(root: string, spec: TreeSpec): void {
  mkdirSync(root, { recursive: true });
  for (const [rel, what] of Object.entries(spec)) {
    const full = path.join(root, rel);
    mkdirSync(path.dirname(full), { recursive: true });
    if (typeof what === 'string') writeFileSync(full, what);
    else if ('symlink' in what) symlinkSync(what.symlink, full);
    else if ('hardlink' in what) execFileSync('ln', [path.join(root, what.hardlink), full]);
    else mkdirSync(full, { recursive: true });
  }
}

/** Archives `dir` with GNU tar: members are './…' as `docker save` and most layer builders write them. */
export function tarDir(dir: string, out: string, format: 'gnu' | 'posix' | 'ustar' | 'v7' = 'gnu', extra: string[] = []): string {
  execFileSync('tar', [`--format=${format}`, '--sort=name', '--owner=0', '--group=0', '--numeric-owner', ...extra, '-C', dir, '-cf', out, '.'], { stdio: 'pipe' });
  return out;
}

export function gzipFile(file: string): string {
  execFileSync('gzip', ['-kf', '-n', file]);
  return `${file}.gz`;
}

export function zstdFile(file: string): string {
  execFileSync('zstd', ['-q', '-f', file, '-o', `${file}.zst`]);
  return `${file}.zst`;
}

export function sha256File(file: string): string {
  return `sha256:${createHash('sha256').update(readFileSync(file)).digest('hex')}`;
}

/** Lists an archive with GNU tar: the reference our reader is compared with. */
export function gnuList(file: string): string[] {
  return execFileSync('tar', ['-tf', file], { encoding: 'utf8' })
    .split('\n')
    .filter((line) => line !== '');
}

interface HeaderFields {
  name: string;
  size?: number;
  type?: string;
  linkname?: string;
  mode?: number;
  uid?: number;
  /** Encode size in base-256 even when octal would fit. */
  base256Size?: boolean;
}

/** A ustar header block with a valid checksum. */
export function ustarHeader(fields: HeaderFields): Buffer {
  const block = Buffer.alloc(512);
  const octal = (value: number, start: number, length: number): void => {
    block.write(value.toString(8).padStart(length - 1, '0') + '\0', start, length, 'latin1');
  };
  block.write(fields.name, 0, 100, 'utf8');
  octal(fields.mode ?? 0o644, 100, 8);
  octal(fields.uid ?? 0, 108, 8);
  octal(0, 116, 8);
  const size = fields.size ?? 0;
  if (fields.base256Size || size >= 8 ** 11) {
    block[124] = 0x80;
    let v = BigInt(size);
    for (let i = 135; i > 124; i--) {
      block[i] = Number(v & 0xffn);
      v >>= 8n;
    }
  } else {
    octal(size, 124, 12);
  }
  octal(0, 136, 12);
  block.write(fields.type ?? '0', 156, 1, 'latin1');
  block.write(fields.linkname ?? '', 157, 100, 'utf8');
  block.write('ustar\0', 257, 6, 'latin1');
  block.write('00', 263, 2, 'latin1');
  block.fill(0x20, 148, 156);
  let sum = 0;
  for (const b of block) sum += b;
  block.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 8, 'latin1');
  return block;
}

/** A full member: header, body and padding to the next block. */
export function tarMember(fields: HeaderFields, body: Buffer | string = ''): Buffer {
  const data = Buffer.from(body);
  const pad = (512 - (data.length % 512)) % 512;
  return Buffer.concat([ustarHeader({ ...fields, size: fields.size ?? data.length }), data, Buffer.alloc(pad)]);
}

export const END_OF_ARCHIVE = Buffer.alloc(1024);

export interface ArchiveImage {
  layers: string[];
  tags?: string[];
  config?: Record<string, unknown>;
}

/**
 * Writes a classic `docker save` archive (manifest.json, <id>/layer.tar,
 * <config>.json) for the given layer tars; diff_ids are the sha256 of the
 * uncompressed layer files.
 */
export function dockerArchive(work: string, out: string, image: ArchiveImage, diffIdsOf: (layer: string) => string = sha256File): string {
  const stage = path.join(work, `stage-${path.basename(out)}`);
  mkdirSync(stage, { recursive: true });
  const layerPaths = image.layers.map((layer, i) => {
    const id = `${String(i).padStart(2, '0')}${'0'.repeat(62)}`;
    mkdirSync(path.join(stage, id), { recursive: true });
    writeFileSync(path.join(stage, id, 'layer.tar'), readFileSync(layer));
    return `${id}/layer.tar`;
  });
  const config = JSON.stringify({
    architecture: 'amd64',
    os: 'linux',
    config: {},
    ...image.config,
    rootfs: { type: 'layers', diff_ids: image.layers.map(diffIdsOf) },
  });
  const configName = `${createHash('sha256').update(config).digest('hex')}.json`;
  writeFileSync(path.join(stage, configName), config);
  writeFileSync(path.join(stage, 'manifest.json'), JSON.stringify([{ Config: configName, RepoTags: image.tags ?? [], Layers: layerPaths }]));
  execFileSync('tar', ['--format=gnu', '-C', stage, '-cf', out, '.']);
  return out;
}

export interface LayoutImage {
  /** Uncompressed layer tars; stored gzip-compressed as OCI layers. */
  layers: string[];
  platform?: { os: string; architecture: string; variant?: string };
  ref?: string;
  config?: Record<string, unknown>;
}

function putBlob(dir: string, data: Buffer | string): { digest: string; size: number } {
  const buf = Buffer.from(data);
  const hex = createHash('sha256').update(buf).digest('hex');
  mkdirSync(path.join(dir, 'blobs', 'sha256'), { recursive: true });
  writeFileSync(path.join(dir, 'blobs', 'sha256', hex), buf);
  return { digest: `sha256:${hex}`, size: buf.length };
}

/**
 * Writes an OCI image layout. With `asIndex`, all images go into one nested
 * image index (a multi-platform image) referenced from index.json under `asIndex` as ref name.
 */
export function ociLayout(dir: string, images: LayoutImage[], asIndex?: string): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
  const descriptors = images.map((image) => {
    const layers = image.layers.map((layer) => {
      const gz = gzipFile(layer);
      return { mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', ...putBlob(dir, readFileSync(gz)) };
    });
    const config = putBlob(
      dir,
      JSON.stringify({
        architecture: image.platform?.architecture ?? 'amd64',
        os: image.platform?.os ?? 'linux',
        ...(image.platform?.variant ? { variant: image.platform.variant } : {}),
        config: {},
        ...image.config,
        rootfs: { type: 'layers', diff_ids: image.layers.map(sha256File) },
      }),
    );
    const manifest = putBlob(
      dir,
      JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config }, layers }),
    );
    return {
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      ...manifest,
      ...(image.platform ? { platform: image.platform } : {}),
      ...(image.ref ? { annotations: { 'org.opencontainers.image.ref.name': image.ref } } : {}),
    };
  });
  let top = descriptors;
  if (asIndex !== undefined) {
    const index = putBlob(dir, JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: descriptors }));
    top = [{ mediaType: 'application/vnd.oci.image.index.v1+json', ...index, annotations: { 'org.opencontainers.image.ref.name': asIndex } }];
  }
  writeFileSync(path.join(dir, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests: top }));
  return dir;
}
