/**
 * Reads go.sum into a map from 'module@version' to its h1: tree hash. The
 * '/go.mod' lines (hash of the go.mod file alone) are skipped: only the tree
 * hash identifies the code that was built.
 */
export function parseGoSum(text: string): Map<string, string> {
  const sums = new Map<string, string>();
  for (const line of text.split('\n')) {
    const [path, version, hash] = line.trim().split(/\s+/);
    if (!path || !version || !hash || version.endsWith('/go.mod')) continue;
    sums.set(`${path}@${version}`, hash);
  }
  return sums;
}
