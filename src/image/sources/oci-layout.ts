/** `oci:DIR[:REF]` — an OCI image layout directory on disk. */
import type { ImageSource } from '../image-source.js';
import type { Platform } from '../platform.js';
import { directoryBlobStore } from './directory-blob-store.js';
import { openOciImage } from './oci-image.js';

export async function openOciLayout(dir: string, ref?: string, platform?: Platform): Promise<ImageSource> {
  const store = await directoryBlobStore(dir);
  return openOciImage(store, {
    kind: 'oci',
    reference: ref !== undefined ? `${dir}:${ref}` : dir,
    ...(ref !== undefined ? { ref } : {}),
    ...(platform ? { platform } : {}),
  });
}
