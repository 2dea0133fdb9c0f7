/** `oci-archive:PATH` — a tar of an OCI layout, read in place by byte ranges. */
import type { ImageSource } from '../image-source.js';
import { DEFAULT_LIMITS } from '../limits.js';
import type { Platform } from '../platform.js';
import { indexTarFile } from '../tar/tar-index.js';
import { openOciImage } from './oci-image.js';
import { tarBlobStore } from './tar-blob-store.js';

export async function openOciArchive(file: string, platform?: Platform, ref?: string): Promise<ImageSource> {
  const index = await indexTarFile(file, DEFAULT_LIMITS);
  return openOciImage(tarBlobStore(index), {
    kind: 'oci-archive',
    reference: file,
    ...(ref !== undefined ? { ref } : {}),
    ...(platform ? { platform } : {}),
  });
}
