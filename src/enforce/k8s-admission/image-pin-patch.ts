/**
 * The mutating answer: a JSON Patch (RFC 6902), base64 as the API server
 * wants it, that pins every image written by tag to the digest that was
 * evaluated — so what runs is what was judged, even if the tag moves later.
 * The tag stays in the reference for readability (`nginx:1.27@sha256:…`);
 * the runtime pulls by the digest.
 */
import { parseImageReference } from '../../image/sources/image-reference.js';
import type { WorkloadContainer } from './workload-containers.js';

export function imagePinPatch(containers: readonly WorkloadContainer[], digestOf: (image: string) => string | undefined): string | undefined {
  const ops: { op: 'replace'; path: string; value: string }[] = [];
  for (const c of containers) {
    let pinned: boolean;
    try {
      pinned = parseImageReference(c.image).digest !== undefined;
    } catch {
      continue;
    }
    const digest = digestOf(c.image);
    if (pinned || !digest) continue;
    // Pointers are built from fixed field names and array indexes: nothing to escape.
    ops.push({ op: 'replace', path: c.imagePointer, value: `${c.image}@${digest}` });
  }
  return ops.length > 0 ? Buffer.from(JSON.stringify(ops)).toString('base64') : undefined;
}
