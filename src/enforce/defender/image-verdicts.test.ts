import { describe, expect, it } from 'vitest';
import type { Subject } from '../../domain/subject.js';
import { createImageVerdicts, type ImageToJudge } from './image-verdicts.js';

const image: ImageToJudge = { id: `sha256:${'1'.repeat(64)}`, reference: 'docker.io/library/app:1', manifestDigests: [] };
const subject: Subject = { packages: [], findings: [] };

function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('image verdicts: scans on the spot within a budget', () => {
  it('waits for a quick scan, then answers from the cache without scanning again', async () => {
    let scans = 0;
    const v = createImageVerdicts({ budgetMs: 1000, scan: async () => (scans++, subject) });
    expect(await v.knowledge(image)).toEqual({ kind: 'subject', subject, source: 'scan' });
    expect(await v.knowledge(image)).toEqual({ kind: 'subject', subject, source: 'cache' });
    expect(scans).toBe(1);
  });

  it('gives up waiting after the budget, lets the scan finish in the background, and shares one scan', async () => {
    const scan = deferred<Subject>();
    let scans = 0;
    const v = createImageVerdicts({ budgetMs: 50, scan: () => (scans++, scan.promise) });
    const started = Date.now();
    const [a, b] = await Promise.all([v.knowledge(image), v.knowledge(image)]);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(a).toEqual({ kind: 'pending', reason: 'the scan did not finish within 50 ms (it continues in the background)' });
    expect(b.kind).toBe('pending');
    expect(scans).toBe(1);
    scan.resolve(subject);
    await scan.promise;
    await new Promise((r) => setImmediate(r));
    expect((await v.knowledge(image)).kind).toBe('subject');
  });

  it('reports a failed scan and does not retry it at once', async () => {
    let scans = 0;
    const v = createImageVerdicts({ budgetMs: 1000, retryAfterMs: 60_000, scan: async () => {
      scans++;
      throw new Error('no advisory database');
    } });
    expect(await v.knowledge(image)).toEqual({ kind: 'pending', reason: 'the scan of this image failed: no advisory database' });
    expect(await v.knowledge(image)).toEqual({ kind: 'pending', reason: 'the scan of this image failed: no advisory database' });
    expect(scans).toBe(1);
  });

  it('prefers a console decision by manifest digest over scanning', async () => {
    let scans = 0;
    const decision = { verdict: 'allow', violations: [], exceptionsApplied: [], basis: { policyName: 'p', policyVersion: '1', policyHash: 'h' }, evaluatedAt: 'now' } as const;
    const v = createImageVerdicts({ budgetMs: 1000, scan: async () => (scans++, subject), consoleDecision: async (d) => (d === 'sha256:m' ? decision : undefined) });
    expect(await v.knowledge({ ...image, manifestDigests: ['sha256:m'] })).toEqual({ kind: 'console', decision, digest: 'sha256:m' });
    expect(scans).toBe(0);
  });
});
