/**
 * Paging the image list over HTTP on both dialects: cursor pages add up to
 * exactly the images a principal may see — no duplicates, none missing —
 * when its collections filter rows out between pages, and the finding and
 * change lists page by their own cursors.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_DIALECTS } from '../../../test/support/store-fixtures.js';
import { startTestConsole, type TestConsole } from '../../../test/support/console-fixture.js';
import { demoAdvisoryDatabase, demoAssessment } from '../../../test/support/demo-assessment.js';
import { recordAssessment } from '../inventory/image-assessment.js';

const IMAGES = 24;

async function collect(c: TestConsole, path: string, options: { role: 'auditor' | 'developer'; collections?: string[] }): Promise<string[]> {
  const out: string[] = [];
  let cursor: string | null = null;
  for (let pages = 0; pages < 50; pages++) {
    const sep = path.includes('?') ? '&' : '?';
    const res = await c.request('GET', `${path}${cursor ? `${sep}cursor=${cursor}` : ''}`, options);
    expect(res.status, res.text).toBe(200);
    out.push(...res.json.items.map((i: { digest?: string; key?: string; id?: string }) => i.digest ?? i.key ?? i.id));
    cursor = res.json.nextCursor;
    if (!cursor) return out;
  }
  throw new Error('more than 50 pages');
}

describe.each(STORE_DIALECTS)('image list pages on %s', (dialect) => {
  let c: TestConsole;
  const teamA: string[] = [];
  const all: string[] = [];

  beforeAll(async () => {
    c = await startTestConsole({ dialect });
    demoAdvisoryDatabase(c.config.advisoryDatabase);
    const { assessment } = await demoAssessment();
    await c.collection('team-a', { images: ['registry.example.com/team-a/*'] });
    for (let i = 0; i < IMAGES; i++) {
      const digest = `sha256:${i.toString(16).padStart(64, '0')}`;
      const team = i % 3 === 0 ? 'team-a' : 'team-b';
      await recordAssessment(c.ctx, { assessment, digest, reference: `registry.example.com/${team}/app-${i}:1` }, { cause: { reason: 'scan' } });
      all.push(digest);
      if (team === 'team-a') teamA.push(digest);
    }
  });
  afterAll(() => c?.close());

  it('pages add up to every image for an unscoped reader', async () => {
    const seen = await collect(c, '/api/v1/images?limit=5', { role: 'auditor' });
    expect(seen).toHaveLength(IMAGES);
    expect(new Set(seen)).toEqual(new Set(all));
  });

  it('pages add up to exactly the collection’s images for a scoped developer', async () => {
    const seen = await collect(c, '/api/v1/images?limit=3', { role: 'developer', collections: ['team-a'] });
    expect(seen.sort()).toEqual([...teamA].sort());
    const globbed = await collect(c, '/api/v1/images?limit=2&repository=registry.example.com/team-b/*', { role: 'auditor' });
    expect(globbed).toHaveLength(IMAGES - teamA.length);
  });

  it('findings and changes page by their cursors', async () => {
    const digest = all[0] as string;
    const whole = await c.request('GET', `/api/v1/images/${digest}/findings?limit=1000`, { role: 'auditor' });
    const keys = await collect(c, `/api/v1/images/${digest}/findings?limit=2`, { role: 'auditor' });
    expect(keys).toEqual(whole.json.items.map((i: { key: string }) => i.key));
    const changes = await collect(c, `/api/v1/images/${digest}/changes?limit=2`, { role: 'auditor' });
    const stored = await c.ctx.store.db.selectFrom('image_changes').select('id').where('digest', '=', digest).execute();
    expect(changes.sort()).toEqual(stored.map((r) => r.id).sort());
  });
});
