import { InputError } from '../../input/input-error.js';
import { LineIndex, type InputFile } from '../../input/input-file.js';
import {
  decodeCdata,
  decodeText,
  findAttribute,
  isBlank,
  XmlScanner,
  XmlSyntaxError,
  type XmlHandler,
} from './xml-tokenizer.js';

/**
 * An element of a parsed document, as an index into the document's tables. A 100 MB export has millions
 * of elements; keeping them in typed arrays instead of objects keeps parsing fast and memory flat.
 */
export type XmlElement = number;

/** Grows a typed array to at least `size` entries, keeping its content; new entries are `fill`. */
function grow(a: Int32Array, size: number, fill = 0): Int32Array {
  if (size <= a.length) return a;
  const b = new Int32Array(Math.max(size, a.length * 2));
  b.set(a);
  if (fill !== 0) b.fill(fill, a.length);
  return b;
}

/**
 * A parsed XML file: the element tree (first-child / next-sibling links), each element's name, start and
 * end offsets, attribute range and text range, and the lines of it all. Text is an element's own
 * character data with blank runs (indentation) left out: `<member>any</member>` has text "any", a
 * container "". Values are decoded when read. Half of a pretty-printed export is indentation between
 * tags, so the text of an element with children is not kept while parsing but worked out when read, from
 * the gaps between its children.
 */
export class XmlDocument {
  private lines: LineIndex | undefined;
  private readonly nameIds = new Map<string, number>();

  constructor(
    readonly path: string,
    readonly text: string,
    private readonly names: readonly string[],
    private readonly t: TreeTables,
  ) {
    names.forEach((n, i) => this.nameIds.set(n, i));
    this.memberId = this.nameIds.get('member') ?? -1;
  }

  /** Id of the name "member", the commonest lookup. */
  private readonly memberId: number;

  readonly root: XmlElement = 0;

  name(el: XmlElement): string {
    return this.names[this.t.name[el]!]!;
  }

  /** The element's name as a small integer (compare with `nameIdOf`). */
  nameIdAt(el: XmlElement): number {
    return this.t.name[el]!;
  }

  /** The id of an element name, or -1 when no element of the document has it. */
  nameIdOf(name: string): number {
    return this.nameIds.get(name) ?? -1;
  }

  /** How many distinct element names the document has (ids are below this). */
  get nameCount(): number {
    return this.names.length;
  }

  lineAt(offset: number): number {
    this.lines ??= new LineIndex(this.text);
    return this.lines.lineOf(offset);
  }

  lineOf(el: XmlElement): number {
    return this.lineAt(this.t.start[el]!);
  }

  /** Offset of the element's start tag. */
  startOffset(el: XmlElement): number {
    return this.t.start[el]!;
  }

  /** Offset just after the element's end tag (or its `/>`). */
  endOffset(el: XmlElement): number {
    return this.t.end[el]!;
  }

  error(el: XmlElement, message: string): InputError {
    return new InputError(this.path, this.lineOf(el), message);
  }

  attr(el: XmlElement, name: string): string | undefined {
    const s = this.t.attrStart[el]!;
    const e = this.t.attrEnd[el]!;
    return s === e ? undefined : findAttribute(this.text, s, e, name);
  }

  /** The element's own text (decoded, not trimmed). */
  rawText(el: XmlElement): string {
    if (this.t.firstChild[el]! >= 0) return this.mixedText(el);
    const s = this.t.textStart[el]!;
    if (s === -2) return this.t.extraText.get(el)!;
    if (s < 0) return '';
    const e = this.t.textEnd[el]!;
    return isBlank(this.text, s, e) ? '' : decodeText(this.text, s, e);
  }

  /**
   * The text of an element with children: its non-blank runs of character data and its CDATA sections,
   * in order, read from the gaps between its children (already checked by the scanner).
   */
  private mixedText(el: XmlElement): string {
    const text = this.text;
    const t = this.t;
    let out = '';
    const gap = (start: number, end: number) => {
      let p = start;
      while (p < end) {
        const lt = text.indexOf('<', p);
        const runEnd = lt < 0 || lt > end ? end : lt;
        if (runEnd > p && !isBlank(text, p, runEnd)) out += decodeText(text, p, runEnd);
        if (runEnd === end) return;
        if (text.startsWith('<![CDATA[', lt)) {
          const close = text.indexOf(']]>', lt + 9);
          out += decodeCdata(text, lt + 9, close);
          p = close + 3;
        } else if (text.startsWith('<!--', lt)) p = text.indexOf('-->', lt + 4) + 3;
        else p = text.indexOf('?>', lt + 2) + 2;
      }
    };
    // The content starts after the start tag's ">" (attrEnd is where it stands) and ends at the end tag.
    let from = t.attrEnd[el]! + 1;
    for (let c = t.firstChild[el]!; c >= 0; c = t.nextSibling[c]!) {
      gap(from, t.start[c]!);
      from = t.end[c]!;
    }
    gap(from, text.lastIndexOf('<', t.end[el]! - 1));
    return out;
  }

  /** The element's own text, trimmed. */
  textOf(el: XmlElement): string {
    const s = this.t.textStart[el]!;
    if (s >= 0 && this.t.firstChild[el]! < 0) {
      // The common case, a plain value like "any": no references, no line ends, nothing to trim.
      const e = this.t.textEnd[el]!;
      const text = this.text;
      let plain = s < e && text.charCodeAt(s) > 32 && text.charCodeAt(e - 1) > 32;
      for (let i = s; plain && i < e; i++) {
        const c = text.charCodeAt(i);
        if (c === 38 || c === 13) plain = false;
      }
      if (plain) return text.slice(s, e);
    }
    return this.rawText(el).trim();
  }

  /** The trimmed texts of the `<member>` children of a list element. */
  memberTexts(el: XmlElement | undefined): string[] {
    if (el === undefined) return [];
    const id = this.memberId;
    const t = this.t;
    // Counted first: an array grown by push reserves 16 slots, and rules hold millions of short lists.
    let count = 0;
    for (let c = t.firstChild[el]!; c >= 0; c = t.nextSibling[c]!) if (t.name[c] === id) count++;
    if (count === 1) {
      for (let c = t.firstChild[el]!; ; c = t.nextSibling[c]!) if (t.name[c] === id) return [this.textOf(c)];
    }
    const out = new Array<string>(count);
    let k = 0;
    for (let c = t.firstChild[el]!; c >= 0; c = t.nextSibling[c]!)
      if (t.name[c] === id) out[k++] = this.textOf(c);
    return out;
  }

  /** Whether every `<member>` child of a list element is plain `value` (no allocation: rules have many). */
  membersAllAre(el: XmlElement, value: string): boolean {
    const id = this.memberId;
    const text = this.text;
    for (let c = this.t.firstChild[el]!; c >= 0; c = this.t.nextSibling[c]!) {
      if (this.t.name[c] !== id) continue;
      const s = this.t.textStart[c]!;
      if (s < 0 || this.t.firstChild[c]! >= 0) return false;
      if (this.t.textEnd[c]! - s !== value.length || !text.startsWith(value, s)) return false;
    }
    return true;
  }

  /** The `index`th `<member>` child of a list element (for pointing at it in an error). */
  memberAt(el: XmlElement, index: number): XmlElement {
    return this.members(el)[index] ?? el;
  }

  /** The first child element, or -1. */
  firstChild(el: XmlElement): XmlElement {
    return this.t.firstChild[el]!;
  }

  /** The next sibling element, or -1. */
  nextSibling(el: XmlElement): XmlElement {
    return this.t.nextSibling[el]!;
  }

  children(el: XmlElement): XmlElement[] {
    const out: XmlElement[] = [];
    for (let c = this.t.firstChild[el]!; c >= 0; c = this.t.nextSibling[c]!) out.push(c);
    return out;
  }

  /** The first child element named `name`. */
  child(el: XmlElement | undefined, name: string): XmlElement | undefined {
    if (el === undefined) return undefined;
    const id = this.nameIds.get(name);
    if (id === undefined) return undefined;
    for (let c = this.t.firstChild[el]!; c >= 0; c = this.t.nextSibling[c]!)
      if (this.t.name[c] === id) return c;
    return undefined;
  }

  /** Every child element named `name`, in document order. */
  childrenNamed(el: XmlElement | undefined, name: string): XmlElement[] {
    const out: XmlElement[] = [];
    if (el === undefined) return out;
    const id = this.nameIds.get(name);
    if (id === undefined) return out;
    for (let c = this.t.firstChild[el]!; c >= 0; c = this.t.nextSibling[c]!)
      if (this.t.name[c] === id) out.push(c);
    return out;
  }

  /** The element at a path of child names (`select(vsys, 'rulebase', 'security', 'rules')`). */
  select(el: XmlElement | undefined, ...names: string[]): XmlElement | undefined {
    let cur = el;
    for (const n of names) cur = this.child(cur, n);
    return cur;
  }

  /** The `<entry name="...">` children of a container (PAN-OS's list form), in document order. */
  entries(el: XmlElement | undefined): XmlElement[] {
    return this.childrenNamed(el, 'entry');
  }

  /** The `<member>` children of a list element. */
  members(el: XmlElement | undefined): XmlElement[] {
    return this.childrenNamed(el, 'member');
  }

  /** The trimmed text of the first child named `name`, or undefined when there is none. */
  childText(el: XmlElement, name: string): string | undefined {
    const c = this.child(el, name);
    return c === undefined ? undefined : this.textOf(c);
  }
}

/** The per-element tables a document is made of. */
interface TreeTables {
  count: number;
  name: Int32Array;
  start: Int32Array;
  /** Offset after the element's end tag (or after `/>`). */
  end: Int32Array;
  attrStart: Int32Array;
  attrEnd: Int32Array;
  firstChild: Int32Array;
  nextSibling: Int32Array;
  textStart: Int32Array;
  textEnd: Int32Array;
  /** Text of elements whose character data comes in several pieces or as CDATA (their textStart is -2). */
  extraText: Map<number, string>;
}

/** Fills the tables from the tokenizer's events. */
class TreeBuilder implements XmlHandler {
  readonly t: TreeTables;
  private readonly stack: number[] = [];
  /** Last child of each open element, to link siblings. */
  private readonly lastChild: number[] = [];

  constructor(private readonly source: string) {
    const guess = Math.max(64, Math.ceil(source.length / 40));
    this.t = {
      count: 0,
      name: new Int32Array(guess),
      start: new Int32Array(guess),
      end: new Int32Array(guess),
      attrStart: new Int32Array(guess),
      attrEnd: new Int32Array(guess),
      // -1 (none) until set: filled in bulk rather than written per element.
      firstChild: new Int32Array(guess).fill(-1),
      nextSibling: new Int32Array(guess).fill(-1),
      textStart: new Int32Array(guess).fill(-1),
      textEnd: new Int32Array(guess),
      extraText: new Map(),
    };
  }

  private ensure(size: number): void {
    const t = this.t;
    if (size <= t.name.length) return;
    t.name = grow(t.name, size);
    t.start = grow(t.start, size);
    t.end = grow(t.end, size);
    t.attrStart = grow(t.attrStart, size);
    t.attrEnd = grow(t.attrEnd, size);
    t.firstChild = grow(t.firstChild, size, -1);
    t.nextSibling = grow(t.nextSibling, size, -1);
    t.textStart = grow(t.textStart, size, -1);
    t.textEnd = grow(t.textEnd, size);
  }

  open(nameId: number, attrStart: number, attrEnd: number, start: number): void {
    const t = this.t;
    const el = t.count++;
    if (el >= t.name.length) this.ensure(t.count);
    t.name[el] = nameId;
    t.start[el] = start;
    t.attrStart[el] = attrStart;
    t.attrEnd[el] = attrEnd;
    const depth = this.stack.length;
    if (depth > 0) {
      const prev = this.lastChild[depth - 1]!;
      if (prev < 0) t.firstChild[this.stack[depth - 1]!] = el;
      else t.nextSibling[prev] = el;
      this.lastChild[depth - 1] = el;
    }
    this.stack.push(el);
    this.lastChild[depth] = -1;
  }

  close(_nameId: number, _start: number, end: number): void {
    this.t.end[this.stack.pop()!] = end;
  }

  text(start: number, end: number): void {
    const depth = this.stack.length;
    // Text beside child elements is read later from the gaps between them (see XmlDocument.mixedText).
    if (depth === 0 || this.lastChild[depth - 1]! >= 0) return;
    this.addText(this.stack[depth - 1]!, start, end, false);
  }

  cdata(start: number, end: number): void {
    const depth = this.stack.length;
    if (depth > 0 && this.lastChild[depth - 1]! < 0) this.addText(this.stack[depth - 1]!, start, end, true);
  }

  /**
   * Records a piece of text of an element without children so far: the range of the first, unchecked
   * (the common case, a value, or indentation before a first child); the joined value of non-blank
   * pieces (in extraText, marked -2) when there are several.
   */
  private addText(el: number, start: number, end: number, verbatim: boolean): void {
    const t = this.t;
    const first = t.textStart[el]!;
    if (first === -1 && !verbatim) {
      t.textStart[el] = start;
      t.textEnd[el] = end;
      return;
    }
    if (!verbatim && isBlank(this.source, start, end)) return;
    const piece = verbatim ? decodeCdata(this.source, start, end) : decodeText(this.source, start, end);
    const firstEnd = t.textEnd[el]!;
    const before =
      first === -2
        ? t.extraText.get(el)!
        : first >= 0 && !isBlank(this.source, first, firstEnd)
          ? decodeText(this.source, first, firstEnd)
          : '';
    t.textStart[el] = -2;
    t.extraText.set(el, before + piece);
  }
}

/**
 * Parses a whole XML file. Malformed XML becomes an InputError at the line of the problem, naming the
 * element it concerns and the line that element was opened on.
 */
export function parseXmlDocument(file: InputFile): XmlDocument {
  const builder = new TreeBuilder(file.text);
  const scanner = new XmlScanner(file.text);
  try {
    scanner.scan(builder);
  } catch (e) {
    if (!(e instanceof XmlSyntaxError)) throw e;
    const lines = new LineIndex(file.text);
    const opened = e.openedAt !== undefined ? ` (opened at line ${lines.lineOf(e.openedAt)})` : '';
    // At the end of the file, name its last line rather than the empty one after a final newline.
    const at = e.offset >= file.text.length ? Math.max(0, file.text.length - 1) : e.offset;
    throw new InputError(file.path, lines.lineOf(at), `invalid XML: ${e.message}${opened}`);
  }
  return new XmlDocument(file.path, file.text, scanner.names, builder.t);
}
