import { BadInputError, ImageFormatError } from '../../domain/errors.js';
import { fileChunks } from '../file-chunks.js';
import type { TarFileIndex } from '../tar/tar-index.js';
import { blobPath, verifyBlob } from './blob-store.js';
import type { BlobStore } from './blob-store.js';

/** An OCI layout packed in a tar file (oci-archive, Docker 25+ `docker save`), read by byte ranges. */
export function tarBlobStore(index: TarFileIndex): BlobStore {
  const member = (name: string) => index.resolve('/' + name);
  const mustFind = (digest: string) => {
    const entry = member(blobPath(digest));
    if (!entry || entry.type !== 'file') throw new BadInputError(`blob ${digest} is missing from archive ${index.file}`);
    return entry;
  };
  return {
    location: index.file,
    async readFile(name, maxBytes) {
      const entry = member(name);
      if (!entry) return undefined;
      if (entry.type !== 'file') throw new BadInputError(`${name} in ${index.file} is not a regular file`);
      return index.readSmall(entry, maxBytes);
    },
    async readBlob(digest, maxBytes) {
      return verifyBlob(digest, await index.readSmall(mustFind(digest), maxBytes), index.file);
    },
    async openBlob(digest) {
      return index.open(mustFind(digest));
    },
    blobChunks(digest) {
      const entry = mustFind(digest);
      // A sparse member's stored bytes are not the blob: refused as open() refuses it.
      if (entry.sparse) throw new ImageFormatError(`archive member ${entry.path} is not a regular file`);
      return fileChunks(index.file, entry.dataOffset, entry.dataSize);
    },
    async blobSize(digest) {
      return member(blobPath(digest))?.dataSize;
    },
  };
}
