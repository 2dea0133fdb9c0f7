/**
 * What the webhook knows about one image when it decides: either the image's
 * own policy subject (standalone: packages, findings, metadata from an
 * on-the-spot scan) or the console's verdict for its digest (connected), or
 * why neither could be had within the budget — then the configured default
 * verdict applies.
 */
import type { ImageVerdict } from '../../domain/enforcement.js';
import type { ImageMetadata } from '../../domain/image.js';
import type { Subject } from '../../domain/subject.js';

export type ImageAssessment =
  | { readonly kind: 'subject'; readonly reference: string; readonly digest: string; readonly subject: Subject }
  | { readonly kind: 'verdict'; readonly reference: string; readonly digest: string; readonly verdict: ImageVerdict; readonly metadata?: ImageMetadata }
  | { readonly kind: 'unavailable'; readonly reference: string; readonly digest?: string; readonly metadata?: ImageMetadata; readonly reason: string };

export interface ImageAssessor {
  /** Never rejects: problems become an 'unavailable' assessment. `deadline` is epoch ms. */
  assess(reference: string, deadline: number): Promise<ImageAssessment>;
}

/** Waits for `work` until the deadline; undefined when the deadline came first (the work goes on). */
export async function withinDeadline<T>(work: Promise<T>, deadline: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), Math.max(0, deadline - Date.now()));
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
