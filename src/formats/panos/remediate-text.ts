import type { XmlDocument, XmlElement } from './xml-tree.js';

/**
 * Where inserted lines go in a PAN-OS export: edits insert whole lines, so an element the fix goes before
 * or into must start (or end) its line.
 */
export interface Insertion {
  /** 1-based line to insert before. */
  line: number;
  /** Indentation of what is inserted at that level. */
  pad: string;
  /** Elements to open around the content (and close after it), outermost first. */
  wrap: string[];
}

/** The file's indentation step: how far the root's first child is indented beyond the root. */
export function indentStep(doc: XmlDocument): string {
  const inner = doc.firstChildPad(doc.root);
  const outer = doc.startPad(doc.root) ?? '';
  if (inner && inner.length > outer.length) return inner.slice(outer.length);
  return '  ';
}

/** Before an element (a rule `<entry>`), at its own indentation. */
export function beforeElement(doc: XmlDocument, el: XmlElement): Insertion | string {
  const pad = doc.startPad(el);
  if (pad === undefined) return `<${doc.name(el)}> at line ${doc.lineOf(el)} doesn't start its line`;
  return { line: doc.lineOf(el), pad, wrap: [] };
}

/** Before an element's end tag: the end of its content. */
function atEnd(doc: XmlDocument, el: XmlElement, step: string): Insertion | string {
  const end = doc.endTag(el);
  const name = doc.name(el);
  if (end === 'empty') {
    return `<${name}/> at line ${doc.lineOf(el)} is an empty element; lines can't be inserted into it`;
  }
  if (end.pad === undefined) return `</${name}> at line ${end.line} doesn't start its line`;
  return { line: end.line, pad: doc.firstChildPad(el) ?? end.pad + step, wrap: [] };
}

/**
 * The end of the content of `base`'s descendant at `path` (`['rulebase', 'security', 'rules']`); where
 * part of the path is missing, the end of the deepest element that exists, with the rest to create.
 */
export function endOfPath(
  doc: XmlDocument,
  base: XmlElement,
  path: readonly string[],
  step: string,
): Insertion | string {
  let el = base;
  let i = 0;
  for (; i < path.length; i++) {
    const c = doc.child(el, path[i]!);
    if (c === undefined) break;
    el = c;
  }
  const at = atEnd(doc, el, step);
  if (typeof at === 'string') return at;
  return { ...at, wrap: path.slice(i) };
}

/** The lines of content wrapped in the insertion's missing elements, indented from its pad. */
export function wrapLines(at: Insertion, step: string, content: (pad: string) => string[]): string[] {
  const opens = at.wrap.map((tag, i) => `${at.pad}${step.repeat(i)}<${tag}>`);
  const closes = at.wrap.map((tag, i) => `${at.pad}${step.repeat(i)}</${tag}>`).reverse();
  return [...opens, ...content(at.pad + step.repeat(at.wrap.length)), ...closes];
}
