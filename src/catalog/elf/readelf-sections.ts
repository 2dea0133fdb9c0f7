/**
 * Parses `readelf -S -W` output, the reference our ELF reader's tests (and the
 * Go binary fixtures' tests) compare against.
 */
export function readelfSections(text: string): { name: string; address: bigint; offset: number; size: number }[] {
  const rows = [];
  for (const line of text.split('\n')) {
    const m = /\]\s+(?:(\S+)\s+)?([A-Z][A-Z_]+)\s+([0-9a-f]+)\s+([0-9a-f]+)\s+([0-9a-f]+)/.exec(line);
    if (m) rows.push({ name: m[1] ?? '', address: BigInt(`0x${m[3]}`), offset: parseInt(m[4]!, 16), size: parseInt(m[5]!, 16) });
  }
  return rows;
}

