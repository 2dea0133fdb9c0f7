/** Replaces one benchmark's section of docs/benchmarks.md, between its markers, keeping the others. */
import { readFileSync, writeFileSync, existsSync } from 'node:fs';

const DOC = new URL('../../docs/benchmarks.md', import.meta.url);

export function recordSection(name: string, markdown: string): void {
  const begin = `<!-- bench:${name}:begin -->`;
  const end = `<!-- bench:${name}:end -->`;
  const block = `${begin}\n${markdown.trim()}\n${end}`;
  const doc = existsSync(DOC) ? readFileSync(DOC, 'utf8') : '# Benchmarks\n\nFigures written by `npm run bench`; each beside a reference measured in the same run.\n';
  const start = doc.indexOf(begin);
  const stop = doc.indexOf(end);
  const next = start >= 0 && stop > start ? doc.slice(0, start) + block + doc.slice(stop + end.length) : `${doc.trimEnd()}\n\n${block}\n`;
  writeFileSync(DOC, next);
}
