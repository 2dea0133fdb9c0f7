/**
 * SPDX license expressions for allow/deny lists: a declared expression is
 * acceptable when some choice among its OR branches has every license
 * acceptable (`MIT OR GPL-3.0-only` passes an allow-list of MIT; `MIT AND
 * GPL-3.0-only` does not). Declared names that are not expressions (Debian's
 * `GPL-2+`, free text) are taken whole as one license name.
 */
export type LicenseNode =
  | { readonly op: 'license'; readonly id: string }
  | { readonly op: 'and' | 'or'; readonly left: LicenseNode; readonly right: LicenseNode };

const MAX_LENGTH = 2048;
const MAX_DEPTH = 32;

export function parseLicenseExpression(text: string): LicenseNode {
  const trimmed = text.trim();
  const whole: LicenseNode = { op: 'license', id: trimmed };
  if (trimmed.length === 0 || trimmed.length > MAX_LENGTH) return whole;
  const tokens = trimmed.match(/\(|\)|[^\s()]+/g) ?? [];
  let pos = 0;
  const keyword = (t: string | undefined, k: string): boolean => t !== undefined && t.toUpperCase() === k;
  const parseOr = (depth: number): LicenseNode | undefined => {
    let left = parseAnd(depth);
    while (left && keyword(tokens[pos], 'OR')) {
      pos++;
      const right = parseAnd(depth);
      left = right && { op: 'or', left, right };
    }
    return left;
  };
  const parseAnd = (depth: number): LicenseNode | undefined => {
    let left = parseAtom(depth);
    while (left && keyword(tokens[pos], 'AND')) {
      pos++;
      const right = parseAtom(depth);
      left = right && { op: 'and', left, right };
    }
    return left;
  };
  const parseAtom = (depth: number): LicenseNode | undefined => {
    if (depth > MAX_DEPTH) return undefined;
    const t = tokens[pos];
    if (t === undefined || t === ')' || keyword(t, 'AND') || keyword(t, 'OR') || keyword(t, 'WITH')) return undefined;
    if (t === '(') {
      pos++;
      const inner = parseOr(depth + 1);
      if (tokens[pos] !== ')') return undefined;
      pos++;
      return inner;
    }
    pos++;
    if (keyword(tokens[pos], 'WITH')) {
      const exception = tokens[pos + 1];
      if (exception === undefined || exception === '(' || exception === ')') return undefined;
      pos += 2;
      return { op: 'license', id: `${t} WITH ${exception}` };
    }
    return { op: 'license', id: t };
  };
  const root = parseOr(0);
  return root && pos === tokens.length ? root : whole;
}

/**
 * The licenses of the best choice when the expression can be satisfied
 * (empty list of offenders), else the offenders of the choice with the fewest.
 */
export function licenseOffenders(node: LicenseNode, acceptable: (id: string) => boolean): readonly string[] {
  switch (node.op) {
    case 'license':
      return acceptable(node.id) ? [] : [node.id];
    case 'and':
      return [...licenseOffenders(node.left, acceptable), ...licenseOffenders(node.right, acceptable)];
    case 'or': {
      const left = licenseOffenders(node.left, acceptable);
      if (left.length === 0) return left;
      const right = licenseOffenders(node.right, acceptable);
      return right.length < left.length ? right : left;
    }
  }
}
