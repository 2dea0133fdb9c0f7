/**
 * SPDX license expressions (SPDX 2.3 Annex D). Both writers must decide
 * whether a declared license string is a real SPDX identifier or expression
 * (and may be written as one) or a free-form name (and must be written as a
 * name or LicenseRef). License identifiers are checked against the SPDX list
 * the CycloneDX library ships, so an id we emit is one its schema accepts.
 */
import * as SPDX from '@cyclonedx/cyclonedx-library/SPDX';

export type SpdxLicenseExpression =
  | { readonly kind: 'id'; readonly id: string }
  | { readonly kind: 'expression'; readonly expression: string };

type Node =
  | { readonly op: 'license'; readonly text: string }
  | { readonly op: 'with'; readonly license: string; readonly exception: string }
  | { readonly op: 'and' | 'or'; readonly left: Node; readonly right: Node };

// Longer strings are declared texts, not expressions; nesting beyond this is hostile.
const MAX_LENGTH = 2048;
const MAX_DEPTH = 32;
const IDSTRING = /^[A-Za-z0-9.-]+$/;
const LICENSE_REF = /^(DocumentRef-[A-Za-z0-9.-]+:)?LicenseRef-[A-Za-z0-9.-]+$/;
const ADDITION_REF = /^(DocumentRef-[A-Za-z0-9.-]+:)?AdditionRef-[A-Za-z0-9.-]+$/;

/**
 * Parses `text` as an SPDX license expression. Returns its canonical form
 * (list identifiers in their canonical case, single spaces, only the
 * parentheses precedence needs) or undefined when it is not one.
 */
export function parseSpdxExpression(text: string): SpdxLicenseExpression | undefined {
  const root = parseTree(text);
  if (root === undefined) return undefined;
  if (root.op === 'license' && isListed(root.text)) return { kind: 'id', id: root.text };
  return { kind: 'expression', expression: render(root, undefined) };
}

function parseTree(text: string): Node | undefined {
  if (text.length === 0 || text.length > MAX_LENGTH) return undefined;
  const tokens = text.match(/\(|\)|[^\s()]+/g);
  if (tokens === null) return undefined;
  let pos = 0;

  const parseOr = (depth: number): Node | undefined => {
    let left = parseAnd(depth);
    while (left !== undefined && tokens[pos] === 'OR') {
      pos++;
      const right = parseAnd(depth);
      left = right === undefined ? undefined : { op: 'or', left, right };
    }
    return left;
  };
  const parseAnd = (depth: number): Node | undefined => {
    let left = parseWith(depth);
    while (left !== undefined && tokens[pos] === 'AND') {
      pos++;
      const right = parseWith(depth);
      left = right === undefined ? undefined : { op: 'and', left, right };
    }
    return left;
  };
  const parseWith = (depth: number): Node | undefined => {
    const token = tokens[pos];
    if (token === '(') {
      if (depth >= MAX_DEPTH) return undefined;
      pos++;
      const inner = parseOr(depth + 1);
      if (inner === undefined || tokens[pos] !== ')') return undefined;
      pos++;
      return inner;
    }
    const license = token === undefined ? undefined : canonicalLicense(token);
    if (license === undefined) return undefined;
    pos++;
    if (tokens[pos] !== 'WITH') return { op: 'license', text: license };
    pos++;
    const next = tokens[pos];
    const exception = next === undefined ? undefined : canonicalException(next);
    if (exception === undefined) return undefined;
    pos++;
    return { op: 'with', license, exception };
  };

  const root = parseOr(0);
  return root === undefined || pos !== tokens.length ? undefined : root;
}

function canonicalLicense(token: string): string | undefined {
  if (LICENSE_REF.test(token)) return token;
  // Some list identifiers end in '+' themselves (the deprecated GPL-2.0+ family).
  const listed = /^[A-Za-z0-9.+-]+$/.test(token) ? listedId(token) : undefined;
  if (listed !== undefined) return listed;
  const plus = token.endsWith('+');
  const bare = plus ? token.slice(0, -1) : token;
  if (!IDSTRING.test(bare) || isOperator(bare)) return undefined;
  const id = listedId(bare);
  return id === undefined ? undefined : plus ? `${id}+` : id;
}

function canonicalException(token: string): string | undefined {
  if (ADDITION_REF.test(token)) return token;
  if (!IDSTRING.test(token) || isOperator(token)) return undefined;
  return listedId(token);
}

/**
 * The list's spelling of an identifier, matched case-insensitively. The
 * library's fixupSpdxId looks names up in a plain object, so 'constructor'
 * or 'toString' would come back as functions: only listed strings pass.
 */
function listedId(token: string): string | undefined {
  const id: unknown = SPDX.fixupSpdxId(token);
  return typeof id === 'string' && isListed(id) ? id : undefined;
}

// The library's guard narrows `string` to never on the false branch; a plain boolean does not.
function isListed(id: string): boolean {
  return SPDX.isSupportedSpdxId(id);
}

function isOperator(token: string): boolean {
  return token === 'AND' || token === 'OR' || token === 'WITH';
}

function render(node: Node, parent: 'and' | 'or' | undefined): string {
  switch (node.op) {
    case 'license':
      return node.text;
    case 'with':
      return `${node.license} WITH ${node.exception}`;
    case 'and':
    case 'or': {
      const text = `${render(node.left, node.op)} ${node.op.toUpperCase()} ${render(node.right, node.op)}`;
      // AND binds tighter than OR: only an OR inside an AND needs parentheses.
      return parent === 'and' && node.op === 'or' ? `(${text})` : text;
    }
  }
}

/**
 * The operands of a top-level AND, each in canonical form without outer
 * parentheses: how a reader turns a conjunction a writer built from several
 * declared licenses back into that list. A non-conjunction is one operand.
 */
export function spdxConjuncts(text: string): string[] | undefined {
  const root = parseTree(text);
  if (root === undefined) return undefined;
  const parts: string[] = [];
  const collect = (node: Node): void => {
    if (node.op === 'and') {
      collect(node.left);
      collect(node.right);
    } else {
      parts.push(render(node, undefined));
    }
  };
  collect(root);
  return parts;
}
