import { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { writePieces } from './write-pieces.js';

/** A real Writable that takes `delayMs` per write, like a slow pipe reader, and records what it got. */
function slowSink(options: { highWaterMark: number; delayMs: number; failOnWrite?: number }): Writable & { received: string[] } {
  const received: string[] = [];
  let writes = 0;
  const sink = new Writable({
    highWaterMark: options.highWaterMark,
    decodeStrings: false,
    write(chunk: string, _encoding, callback) {
      writes++;
      setTimeout(() => {
        if (writes === options.failOnWrite) {
          callback(new Error('disk full'));
          return;
        }
        received.push(chunk);
        callback();
      }, options.delayMs);
    },
  });
  return Object.assign(sink, { received });
}

describe('writePieces', () => {
  it('waits for a slow stream to drain instead of running ahead of it', async () => {
    const sink = slowSink({ highWaterMark: 256, delayMs: 2 });
    const written = (): number => sink.received.reduce((n, chunk) => n + chunk.length, 0);
    let produced = 0;
    let aheadMost = 0;
    function* pieces(): Generator<string> {
      for (let n = 0; n < 2000; n++) {
        const piece = `{"n": ${n}},\n`;
        produced += piece.length;
        aheadMost = Math.max(aheadMost, produced - written());
        yield piece;
      }
    }
    await writePieces(pieces(), sink, 100);
    const expected = Array.from({ length: 2000 }, (_, n) => `{"n": ${n}},\n`).join('');
    expect(sink.received.join('')).toBe(expected);
    // Without backpressure the synchronous generator would be drained at
    // once (~25 KB ahead); with it, at most about one chunk plus the
    // stream's buffer is produced but not yet written.
    expect(aheadMost).toBeLessThan(100 + 256 + 20 + 20);
    expect(sink.received.length).toBeGreaterThan(100);
  });

  it('rejects with the stream error and stops reading the pieces', async () => {
    const sink = slowSink({ highWaterMark: 64, delayMs: 1, failOnWrite: 3 });
    let pulled = 0;
    function* pieces(): Generator<string> {
      for (let n = 0; n < 10_000; n++) {
        pulled++;
        yield 'x'.repeat(50);
      }
    }
    await expect(writePieces(pieces(), sink, 100)).rejects.toThrow('disk full');
    expect(pulled).toBeLessThan(100);
  });

  it('rejects with the stream error when the stream fails on the last write', async () => {
    const sink = slowSink({ highWaterMark: 1 << 20, delayMs: 1, failOnWrite: 1 });
    await expect(writePieces(['small ', 'document\n'], sink)).rejects.toThrow('disk full');
  });

  it('rejects instead of waiting forever when the stream is destroyed while full', async () => {
    const sink = new Writable({
      highWaterMark: 16,
      write(_chunk, _encoding, _callback) {
        // Never completes: the reader went away.
      },
    });
    const done = writePieces(['a'.repeat(100), 'b'.repeat(100), 'c'], sink, 50);
    await sleep(10);
    sink.destroy();
    await expect(done).rejects.toThrow();
  });

  it('rejects instead of waiting forever when the stream is destroyed during the last write', async () => {
    const sink = new Writable({
      highWaterMark: 1 << 20,
      write(_chunk, _encoding, _callback) {
        // Never completes: the reader went away.
      },
    });
    const done = writePieces(['short document\n'], sink);
    await sleep(10);
    sink.destroy();
    await expect(done).rejects.toThrow();
  });

  it('passes on an error thrown by the writer itself', async () => {
    const sink = slowSink({ highWaterMark: 1024, delayMs: 0 });
    function* pieces(): Generator<string> {
      yield 'start';
      throw new Error('bad inventory');
    }
    await expect(writePieces(pieces(), sink)).rejects.toThrow('bad inventory');
  });

  it('writes an empty document as nothing and resolves', async () => {
    const sink = slowSink({ highWaterMark: 1024, delayMs: 0 });
    await writePieces([], sink);
    expect(sink.received.join('')).toBe('');
  });
});
