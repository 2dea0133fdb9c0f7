/** Finds the line a path inside a parsed YAML document starts on, for file:line messages. */
import { isMap, isNode, isScalar, type Document, type LineCounter } from 'yaml';

/** The line of the deepest node that exists on `path` (or of `key` in the mapping there); 0 when none. */
export function yamlLineOf(doc: Document, lines: LineCounter, path: readonly (string | number)[], key?: string): number {
  for (let n = path.length; n >= 0; n--) {
    const node = n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true);
    if (!isNode(node) || !node.range) continue;
    if (key !== undefined && n === path.length && isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && p.key.value === key);
      if (pair && isNode(pair.key) && pair.key.range) return lines.linePos(pair.key.range[0]).line;
    }
    return lines.linePos(node.range[0]).line;
  }
  return 0;
}
