/**
 * A small, safe XML reader for Maven POMs: elements, attributes (skipped),
 * text, CDATA, comments and processing instructions. It never reads a DTD —
 * a DOCTYPE is an error — and decodes only the five predefined entities and
 * character references, so entity-expansion attacks have nothing to expand.
 */
import { BadInputError } from '../../../domain/errors.js';

export interface XmlElement {
  /** Local name, namespace prefix dropped. */
  readonly name: string;
  readonly children: XmlElement[];
  /** Concatenated text directly inside this element, trimmed. */
  text: string;
  /** 1-based line of the start tag. */
  readonly line: number;
}

const MAX_DEPTH = 128;
const MAX_ELEMENTS = 200_000;
/** XML 1.0 Name: ASCII letters, '_' or ':' (or any non-ASCII) first, then also digits, '-' and '.'. */
const XML_NAME = /^[A-Za-z_:\u0080-\uffff][A-Za-z0-9_:.\-\u0080-\uffff]*$/;
const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

export function parseXml(input: string): XmlElement {
  const src = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  let count = 0;
  let i = 0;
  let line = 1;
  const fail = (what: string): never => {
    throw new BadInputError(`XML line ${line}: ${what}`);
  };
  const advanceTo = (end: number) => {
    for (let k = i; k < end; k++) if (src.charCodeAt(k) === 10) line++;
    i = end;
  };
  const skipPast = (marker: string, what: string) => {
    const end = src.indexOf(marker, i);
    if (end < 0) fail(`unterminated ${what}`);
    advanceTo(end + marker.length);
  };
  while (i < src.length) {
    const lt = src.indexOf('<', i);
    const textEnd = lt < 0 ? src.length : lt;
    if (textEnd > i) {
      const raw = src.slice(i, textEnd);
      const top = stack[stack.length - 1];
      if (top) top.text += decodeEntities(raw, fail);
      else if (raw.trim() !== '') fail('text outside the root element');
      advanceTo(textEnd);
      continue;
    }
    if (src.startsWith('<!--', i)) skipPast('-->', 'comment');
    else if (src.startsWith('<![CDATA[', i)) {
      const end = src.indexOf(']]>', i);
      if (end < 0) fail('unterminated CDATA');
      const top = stack[stack.length - 1];
      if (!top) fail('CDATA outside the root element');
      else top.text += src.slice(i + 9, end);
      advanceTo(end + 3);
    } else if (src.startsWith('<?', i)) skipPast('?>', 'processing instruction');
    else if (src.startsWith('<!', i)) fail('DOCTYPE and DTD declarations are not accepted');
    else if (src.startsWith('</', i)) {
      const end = src.indexOf('>', i);
      if (end < 0) fail('unterminated end tag');
      const qname = src.slice(i + 2, end).trim();
      if (!XML_NAME.test(qname)) fail(`invalid element name '${qname.slice(0, 40)}'`);
      const name = localName(qname);
      const open = stack.pop();
      if (!open || open.name !== name) fail(`end tag </${name}> does not match <${open?.name ?? ''}>`);
      else open.text = open.text.trim();
      advanceTo(end + 1);
    } else {
      const end = tagEnd(src, i);
      if (end < 0) fail('unterminated start tag');
      const body = src.slice(i + 1, end);
      const selfClosing = body.endsWith('/');
      const qname = (/^[^\s/>]+/.exec(body) ?? [''])[0];
      if (!XML_NAME.test(qname)) fail(`invalid element name '${qname.slice(0, 40)}'`);
      const name = localName(qname);
      if (++count > MAX_ELEMENTS) fail(`more than ${MAX_ELEMENTS} elements`);
      const element: XmlElement = { name, children: [], text: '', line };
      const parent = stack[stack.length - 1];
      if (parent) parent.children.push(element);
      else if (root) fail('more than one root element');
      else root = element;
      if (!selfClosing) {
        if (stack.length >= MAX_DEPTH) fail(`nesting deeper than ${MAX_DEPTH}`);
        stack.push(element);
      }
      advanceTo(end + 1);
    }
  }
  if (stack.length > 0) fail(`<${stack[stack.length - 1]?.name ?? ''}> is not closed`);
  if (!root) fail('no root element');
  return root as XmlElement;
}

/** The '>' ending a start tag, skipping quoted attribute values. */
function tagEnd(src: string, from: number): number {
  let quote: string | undefined;
  for (let k = from + 1; k < src.length; k++) {
    const c = src[k];
    if (quote) {
      if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '>') return k;
    else if (c === '<') return -1;
  }
  return -1;
}

function localName(qname: string): string {
  const colon = qname.indexOf(':');
  return colon < 0 ? qname : qname.slice(colon + 1);
}

function decodeEntities(raw: string, fail: (what: string) => never): string {
  return raw.replace(/&([^;\s&]{0,10});/g, (_m, name: string) => {
    if (name.startsWith('#x') || name.startsWith('#X')) return codePoint(parseInt(name.slice(2), 16), fail);
    if (name.startsWith('#')) return codePoint(parseInt(name.slice(1), 10), fail);
    const v = PREDEFINED[name];
    return v ?? fail(`unknown entity &${name};`);
  });
}

function codePoint(n: number, fail: (what: string) => never): string {
  if (!Number.isInteger(n) || n < 1 || n > 0x10ffff) fail('bad character reference');
  return String.fromCodePoint(n);
}

/** Children named `name`, or the first such child. */
export function childrenNamed(el: XmlElement | undefined, name: string): XmlElement[] {
  return el ? el.children.filter((c) => c.name === name) : [];
}

export function child(el: XmlElement | undefined, name: string): XmlElement | undefined {
  return el?.children.find((c) => c.name === name);
}
