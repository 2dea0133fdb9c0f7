/**
 * One stored image read back whole: its row, its assessment document
 * (validated again: stored text is not trusted more than an upload) and
 * the tags it was seen under, plus the policy Subject built from them.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Finding } from '../../domain/finding.js';
import type { Subject, SubjectImage } from '../../domain/subject.js';
import { subjectFromScan } from '../../policy/subject-from-scan.js';
import type { Store } from '../../store/open-store.js';
import type { ImageTable, ImageTagTable } from '../../store/schema.js';
import { parseAssessmentText, type ImageAssessment } from './assessment-document.js';
import { parseRepositories } from './record-image-tags.js';

export interface StoredImage {
  readonly row: ImageTable;
  readonly assessment: ImageAssessment;
  /** Most recently seen first. */
  readonly tags: readonly ImageTagTable[];
}

/** Parsed documents by inventory id (and their exact text): images sharing an inventory, and repeated reads, parse it once. */
const parsedCache = new Map<string, { readonly text: string; readonly assessment: ImageAssessment }>();
const CACHE_LIMIT = 256;

/** HMAC-SHA256 hex of a document under the console's secret key (inventories.document_mac). */
export function documentMac(secretKey: Buffer, document: string): string {
  return createHmac('sha256', secretKey).update(document).digest('hex');
}

function sameMac(expected: string, given: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

function parseCached(id: string, text: string, verified: boolean): ImageAssessment {
  const hit = parsedCache.get(id);
  if (hit && hit.text === text) return hit.assessment;
  // A document carrying the console's own MAC is byte for byte what passed validation when it was written.
  const assessment = verified ? (JSON.parse(text) as ImageAssessment) : parseAssessmentText(text);
  if (parsedCache.size >= CACHE_LIMIT) parsedCache.delete(parsedCache.keys().next().value as string);
  parsedCache.set(id, { text, assessment });
  return assessment;
}

export class StoredDocumentError extends Error {}

export interface LoadOptions {
  /** The console's secret key: documents whose MAC it verifies skip re-validation. Without it every document is validated. */
  readonly secretKey?: Buffer;
}

export async function loadStoredImage(store: Store, digest: string, options: LoadOptions = {}): Promise<StoredImage | undefined> {
  const loaded = (await loadStoredImages(store, [digest], options)).get(digest);
  if (loaded instanceof Error) throw loaded;
  return loaded;
}

const IN_CHUNK = 500;

/**
 * Many stored images in a few queries (rows, documents, tags by chunks of
 * digests): the bulk path of re-evaluation. An image whose document is
 * missing or invalid maps to its StoredDocumentError, so one bad row does
 * not fail the others; unknown digests are absent.
 */
export async function loadStoredImages(store: Store, digests: readonly string[], options: LoadOptions = {}): Promise<Map<string, StoredImage | StoredDocumentError>> {
  const out = new Map<string, StoredImage | StoredDocumentError>();
  const unique = [...new Set(digests)];
  for (let i = 0; i < unique.length; i += IN_CHUNK) {
    const part = unique.slice(i, i + IN_CHUNK);
    const rows = await store.db.selectFrom('images').selectAll().where('digest', 'in', part).execute();
    if (rows.length === 0) continue;
    const ids = [...new Set(rows.map((r) => r.inventory_id))];
    const [docs, tags] = await Promise.all([
      store.db.selectFrom('inventories').select(['id', 'document', 'document_mac']).where('id', 'in', ids).execute(),
      store.db.selectFrom('image_tags').selectAll().where('digest', 'in', rows.map((r) => r.digest)).orderBy('last_seen', 'desc').orderBy('reference').execute(),
    ]);
    const documents = new Map(docs.map((d) => [d.id, d]));
    const parsed = new Map<string, ImageAssessment | StoredDocumentError>();
    const tagsOf = new Map<string, ImageTagTable[]>();
    for (const t of tags) {
      const list = tagsOf.get(t.digest);
      if (list) list.push(t);
      else tagsOf.set(t.digest, [t]);
    }
    for (const row of rows) {
      let assessment = parsed.get(row.inventory_id);
      if (!assessment) {
        const doc = documents.get(row.inventory_id);
        if (doc === undefined) assessment = new StoredDocumentError(`image ${row.digest}: its inventory ${row.inventory_id} is missing from the store`);
        else {
          try {
            const verified = options.secretKey !== undefined && doc.document_mac !== null && sameMac(documentMac(options.secretKey, doc.document), doc.document_mac);
            assessment = parseCached(row.inventory_id, doc.document, verified);
          } catch (error) {
            assessment = new StoredDocumentError(`image ${row.digest}: the stored inventory ${row.inventory_id} is not a valid assessment document`, { cause: error });
          }
        }
        parsed.set(row.inventory_id, assessment);
      }
      out.set(row.digest, assessment instanceof StoredDocumentError ? assessment : { row, assessment, tags: tagsOf.get(row.digest) ?? [] });
    }
  }
  return out;
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
    knownAs: [...new Set([...parseRepositories(row.repositories), ...tags.flatMap((t) => [t.repository, t.reference])])],
    ...(metadata ? { metadata } : {}),
  };
  return { ...base, image };
}
