/**
 * One stored image read back whole: its row, its assessment document
 * (validated again: stored text is not trusted more than an upload) and
 * the tags it was seen under, plus the policy Subject built from them.
 */
import type { Finding } from '../../domain/finding.js';
import type { Subject, SubjectImage } from '../../domain/subject.js';
import { subjectFromScan } from '../../policy/subject-from-scan.js';
import type { Store } from '../../store/open-store.js';
import type { ImageTable, ImageTagTable } from '../../store/schema.js';
import { parseAssessmentText, type ImageAssessment } from './assessment-document.js';

export interface StoredImage {
  readonly row: ImageTable;
  readonly assessment: ImageAssessment;
  /** Most recently seen first. */
  readonly tags: readonly ImageTagTable[];
}

/** Parsed documents by inventory id and text length: re-evaluating thousands of images parses each one once. */
const parsedCache = new Map<string, { readonly text: string; readonly assessment: ImageAssessment }>();
const CACHE_LIMIT = 256;

function parseCached(id: string, text: string): ImageAssessment {
  const hit = parsedCache.get(id);
  if (hit && hit.text === text) return hit.assessment;
  const assessment = parseAssessmentText(text);
  if (parsedCache.size >= CACHE_LIMIT) parsedCache.delete(parsedCache.keys().next().value as string);
  parsedCache.set(id, { text, assessment });
  return assessment;
}

export class StoredDocumentError extends Error {}

export async function loadStoredImage(store: Store, digest: string): Promise<StoredImage | undefined> {
  const row = await store.db.selectFrom('images').selectAll().where('digest', '=', digest).executeTakeFirst();
  if (!row) return undefined;
  const [doc, tags] = await Promise.all([
    store.db.selectFrom('inventories').select('document').where('id', '=', row.inventory_id).executeTakeFirst(),
    store.db.selectFrom('image_tags').selectAll().where('digest', '=', digest).orderBy('last_seen', 'desc').orderBy('reference').execute(),
  ]);
  if (!doc) throw new StoredDocumentError(`image ${digest}: its inventory ${row.inventory_id} is missing from the store`);
  let assessment: ImageAssessment;
  try {
    assessment = parseCached(row.inventory_id, doc.document);
  } catch (error) {
    throw new StoredDocumentError(`image ${digest}: the stored inventory ${row.inventory_id} is not a valid assessment document`, { cause: error });
  }
  return { row, assessment, tags };
}

/** The policy Subject of a stored image with these findings; identity from what the console saw, not only from the upload. */
export function subjectOfStoredImage(stored: StoredImage, findings: readonly Finding[], advisorySnapshot: string | undefined): Subject {
  const { assessment, row, tags } = stored;
  const base = subjectFromScan(
    { inventory: assessment.inventory, findings, files: assessment.files, ...(advisorySnapshot ? { advisorySnapshot } : {}) },
    row.environment ? { environment: row.environment } : {},
  );
  const latest = tags[0];
  const repository = latest?.repository ?? base.image?.repository;
  const tagsOfRepository = [...new Set(tags.filter((t) => t.repository === repository).map((t) => t.tag))];
  const metadata = assessment.inventory.image;
  const image: SubjectImage = {
    ...(latest ? { reference: latest.reference, repository: latest.repository } : base.image?.reference ? { reference: base.image.reference } : {}),
    ...(repository ? { repository } : {}),
    ...((row.registry ?? base.image?.registry) ? { registry: row.registry ?? base.image?.registry } : {}),
    tags: tagsOfRepository.length > 0 ? tagsOfRepository : (base.image?.tags ?? []),
    digest: row.digest,
    pinnedByDigest: false,
    ...(metadata ? { metadata } : {}),
  };
  return { ...base, image };
}
