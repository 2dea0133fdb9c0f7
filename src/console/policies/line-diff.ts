/**
 * A unified line diff between two policy versions (Myers' O((N+M)·D)
 * algorithm), so reviewers see what an activation changes in the familiar
 * `diff -u` form. Policy texts are bounded (1 MiB), and the edit distance
 * explored is capped so a pathological pair cannot pin the CPU.
 */

export type DiffLine = { readonly op: ' ' | '-' | '+'; readonly text: string };

/** Edit distance explored: the trace kept for backtracking grows with its square (2,000² ints = 16 MB). */
const MAX_EDITS = 2000;

function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** The edit script from a to b: every line of both, marked kept, removed or added. */
export function diffLines(a: readonly string[], b: readonly string[]): DiffLine[] {
  // Common head and tail first: most policy edits touch a few lines in the middle.
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const keep = (lines: readonly string[]): DiffLine[] => lines.map((text) => ({ op: ' ', text }));
  return [...keep(a.slice(0, head)), ...myers(a.slice(head, a.length - tail), b.slice(head, b.length - tail)), ...keep(a.slice(a.length - tail))];
}

function myers(a: readonly string[], b: readonly string[]): DiffLine[] {
  const n = a.length;
  const m = b.length;
  const max = Math.min(n + m, MAX_EDITS);
  const offset = max + 1;
  const v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  let found = -1;
  for (let d = 0; d <= max && found < 0; d++) {
    // Only diagonals -d..d can be read when backtracking from step d.
    trace.push(v.slice(offset - d - 1, offset + d + 2));
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && (v[offset + k - 1] as number) < (v[offset + k + 1] as number)) ? (v[offset + k + 1] as number) : (v[offset + k - 1] as number) + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) {
        found = d;
        break;
      }
    }
  }
  if (found < 0) {
    // Too different to diff cheaply: everything removed, everything added.
    return [...a.map((text) => ({ op: '-' as const, text })), ...b.map((text) => ({ op: '+' as const, text }))];
  }
  const out: DiffLine[] = [];
  let x = n;
  let y = m;
  for (let d = found; d > 0; d--) {
    const vd = trace[d] as Int32Array;
    // trace[d] starts at diagonal -d-1.
    const at = (diagonal: number): number => vd[diagonal + d + 1] as number;
    const k = x - y;
    const down = k === -d || (k !== d && at(k - 1) < at(k + 1));
    const prevK = down ? k + 1 : k - 1;
    const prevX = at(prevK);
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      out.push({ op: ' ', text: a[--x] as string });
      y--;
    }
    if (down) out.push({ op: '+', text: b[--y] as string });
    else out.push({ op: '-', text: a[--x] as string });
  }
  while (x > 0 && y > 0) {
    out.push({ op: ' ', text: a[--x] as string });
    y--;
  }
  return out.reverse();
}

/** `diff -u` style text with `context` lines around each change; '' when the texts are equal. */
export function unifiedDiff(before: string, after: string, labels: { readonly from: string; readonly to: string }, context = 3): string {
  const lines = diffLines(splitLines(before), splitLines(after));
  if (lines.every((l) => l.op === ' ')) return '';
  const out = [`--- ${labels.from}`, `+++ ${labels.to}`];
  // Positions (old, new line numbers) before each diff line.
  const pos: [number, number][] = [];
  let ai = 0;
  let bi = 0;
  for (const l of lines) {
    pos.push([ai, bi]);
    if (l.op !== '+') ai++;
    if (l.op !== '-') bi++;
  }
  let i = 0;
  while (i < lines.length) {
    if ((lines[i] as DiffLine).op === ' ') {
      i++;
      continue;
    }
    const start = Math.max(0, i - context);
    let end = i;
    // Extend the hunk while the next change is within 2*context kept lines.
    for (;;) {
      while (end < lines.length && (lines[end] as DiffLine).op !== ' ') end++;
      let gap = end;
      while (gap < lines.length && (lines[gap] as DiffLine).op === ' ') gap++;
      if (gap < lines.length && gap - end <= 2 * context) end = gap;
      else break;
    }
    const stop = Math.min(lines.length, end + context);
    const hunk = lines.slice(start, stop);
    const [aStart, bStart] = pos[start] as [number, number];
    const aLen = hunk.filter((l) => l.op !== '+').length;
    const bLen = hunk.filter((l) => l.op !== '-').length;
    out.push(`@@ -${aLen === 0 ? aStart : aStart + 1},${aLen} +${bLen === 0 ? bStart : bStart + 1},${bLen} @@`);
    for (const l of hunk) out.push(`${l.op}${l.text}`);
    i = stop;
  }
  return `${out.join('\n')}\n`;
}
