import { createReadStream } from 'node:fs';
import { lstat, open, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { BadInputError, LimitExceededError } from '../../domain/errors.js';
import { blobPath, verifyBlob } from './blob-store.js';
import type { BlobStore } from './blob-store.js';

/** An OCI layout directory. Files that resolve outside the layout (via symlinks) are refused. */
export async function directoryBlobStore(dir: string): Promise<BlobStore> {
  let root: string;
  try {
    root = await realpath(dir);
    if (!(await stat(root)).isDirectory()) throw new Error('not a directory');
  } catch (error) {
    throw new BadInputError(`OCI layout ${dir} is not a readable directory`, { cause: error });
  }

  async function locate(relative: string): Promise<string | undefined> {
    const candidate = path.join(root, relative);
    try {
      await lstat(candidate);
    } catch {
      return undefined;
    }
    const real = await realpath(candidate).catch(() => undefined);
    if (real === undefined) return undefined;
    if (real !== root && !real.startsWith(root + path.sep)) throw new BadInputError(`${relative} in ${dir} points outside the layout`);
    if (!(await stat(real)).isFile()) throw new BadInputError(`${relative} in ${dir} is not a regular file`);
    return real;
  }

  async function readBounded(file: string, maxBytes: number, what: string): Promise<Buffer> {
    const handle = await open(file, 'r');
    try {
      const size = (await handle.stat()).size;
      if (size > maxBytes) throw new LimitExceededError(`${what} in ${dir} is ${size} bytes, more than the ${maxBytes}-byte limit`);
      const buf = Buffer.alloc(size);
      let at = 0;
      while (at < size) {
        const { bytesRead } = await handle.read(buf, at, size - at, at);
        if (bytesRead === 0) break;
        at += bytesRead;
      }
      return buf.subarray(0, at);
    } finally {
      await handle.close();
    }
  }

  async function mustLocate(digest: string): Promise<string> {
    const file = await locate(blobPath(digest));
    if (file === undefined) throw new BadInputError(`blob ${digest} is missing from OCI layout ${dir}`);
    return file;
  }

  return {
    location: dir,
    async readFile(name, maxBytes) {
      const file = await locate(name);
      return file === undefined ? undefined : readBounded(file, maxBytes, name);
    },
    async readBlob(digest, maxBytes) {
      return verifyBlob(digest, await readBounded(await mustLocate(digest), maxBytes, `blob ${digest}`), dir);
    },
    async openBlob(digest): Promise<Readable> {
      // Large reads: a layer blob is streamed whole, and each chunk costs a syscall and an await downstream.
      return createReadStream(await mustLocate(digest), { highWaterMark: 1024 * 1024 });
    },
    async blobSize(digest) {
      const file = await locate(blobPath(digest));
      return file === undefined ? undefined : (await stat(file)).size;
    },
  };
}
