import { InputError } from '../../input/input-error.js';
import { LineIndex, textChunks, type InputFile } from '../../input/input-file.js';
import {
  leadingSpace,
  LayoutRecorder,
  NO_PAD,
  NOT_AT_LINE_START,
  SELF_CLOSING,
  slotOf,
  type LayoutTables,
} from './layout-facts.js';
import { hashName, hashRange, hashUntil } from './name-hash.js';
import {
  attributeValueEnd,
  decodeCdata,
  decodeText,
  detach,
  findAttribute,
  findAttributeValue,
  isBlank,
  isPlainAttributeValue,
  parseAttributes,
  XmlScanner,
  XmlSyntaxError,
  type XmlHandler,
} from './xml-tokenizer.js';

/**
 * An element of a parsed document, as an index into the document's tables. A 100 MB export has millions
 * of elements; keeping them in typed arrays instead of objects keeps parsing fast and memory flat.
 */
export type XmlElement = number;

/**
 * Which elements to keep: `true` keeps an element and everything in it, `false` drops it; a map keeps an
 * element and, of its children, those it names (each with what to keep of it), the others as its entry
 * OTHERS says (dropped without one). What is dropped is still checked as XML.
 */
export type KeepSpec = boolean | ReadonlyMap<string, KeepSpec>;

/** The key of a KeepSpec map for the children it doesn't name ("*" is no element name). */
export const OTHERS = '*';

/** Grows a typed array to at least `size` entries, keeping its content. */
function grow<T extends Int32Array | Uint16Array>(a: T, size: number): T {
  if (size <= a.length) return a;
  const b = new (a.constructor as new (n: number) => T)(Math.max(size, a.length * 2));
  b.set(a);
  return b;
}

/** Element name ids fit 16 bits until a document has more distinct names than that. */
const MAX_SHORT_NAME_ID = 0xffff;

/**
 * Where attribute and text ranges point. A document read whole points into its text; one read in pieces
 * copies what it keeps into pieces of POOL_PIECE characters (offset = piece * POOL_PIECE + index), so
 * that the file's text itself is never held.
 */
interface Pool {
  pieces: string[];
  shift: number;
  mask: number;
}

const POOL_SHIFT = 20;
const POOL_PIECE = 1 << POOL_SHIFT;
/** Longer values are kept decoded beside the tables rather than in the pool. */
const POOL_MAX_VALUE = POOL_PIECE >> 4;
/** Offsets are Int32: this many pieces at most (2^31 characters of values). */
const POOL_MAX_PIECES = 2047;

/** Collects copies of ranges of text into pool pieces. */
class PoolWriter {
  readonly pieces: string[] = [];
  /** Copies made of earlier pieces of text, in the current pool piece. */
  private copied: string[] = [];
  /**
   * Slices of the text being scanned, in the current pool piece: the first `count`; the rest are ''. The
   * array is kept from piece to piece at its largest, as growing a new one for each piece of text was a
   * tenth of what a read allocates.
   */
  private readonly parts: string[] = [];
  private count = 0;
  private used = 0;

  constructor(private readonly path: string) {}

  /** Copies text[start, end) in; returns its offset, or -1 when it is too long for a piece. */
  add(text: string, start: number, end: number): number {
    const len = end - start;
    if (len > POOL_MAX_VALUE) return -1;
    if (this.used + len > POOL_PIECE) this.seal();
    const off = this.pieces.length * POOL_PIECE + this.used;
    this.parts[this.count++] = text.slice(start, end);
    this.used += len;
    return off;
  }

  /** Copies the slices (a join copies; a lone slice would point into the text), so the text can go. */
  compact(): void {
    const n = this.count;
    if (n === 0) return;
    const parts = this.parts;
    // Joined whole (the rest is ''), unless that is mostly empty slots.
    this.copied.push(
      n === 1 ? detach(parts[0]!) : 4 * n >= parts.length ? parts.join('') : parts.slice(0, n).join(''),
    );
    parts.fill('', 0, n);
    this.count = 0;
  }

  /** Ends the current pool piece, as one flat string (not a chain of joins, which every read would walk). */
  seal(): void {
    this.compact();
    if (this.used === 0) return;
    if (this.pieces.length >= POOL_MAX_PIECES) {
      throw new InputError(this.path, undefined, 'holds more configuration values than this reader can keep');
    }
    this.pieces.push(this.copied.length === 1 ? this.copied[0]! : this.copied.join(''));
    this.copied = [];
    this.used = 0;
  }
}

/**
 * A parsed XML file: the element tree (first-child / next-sibling links), each element's name, line,
 * attributes and text. Text is an element's own character data with blank runs (indentation) left out:
 * `<member>any</member>` has text "any", a container "". Values are decoded when read.
 *
 * A document parsed whole (`parseXmlDocument`) also keeps the file's text and each element's offsets,
 * for writing fixes into it; one read in pieces (`readXmlDocument`) keeps neither, only what it was told
 * to keep and, for the elements a fix is written around, the layout of their text (layout-facts.ts).
 */
export class XmlDocument {
  private lines: LineIndex | undefined;
  private readonly nameIds = new Map<string, number>();
  private readonly pools: string[];
  private readonly shift: number;
  private readonly mask: number;

  constructor(
    readonly path: string,
    private readonly whole: string | undefined,
    private readonly names: readonly string[],
    private readonly t: TreeTables,
    pool: Pool,
  ) {
    names.forEach((n, i) => this.nameIds.set(n, i));
    this.memberId = this.nameIds.get('member') ?? -1;
    this.pools = pool.pieces;
    this.shift = pool.shift;
    this.mask = pool.mask;
  }

  /** Id of the name "member", the commonest lookup. */
  private readonly memberId: number;

  readonly root: XmlElement = 0;

  /** The file's text (documents parsed whole only). */
  get text(): string {
    if (this.whole === undefined) throw new Error('the document was read in pieces: its text is not kept');
    return this.whole;
  }

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

  /** The line of an offset of the text (documents parsed whole only). */
  lineAt(offset: number): number {
    this.lines ??= new LineIndex(this.text);
    return this.lines.lineOf(offset);
  }

  lineOf(el: XmlElement): number {
    return this.t.line[el]!;
  }

  /** Offset of the element's start tag (documents parsed whole only). */
  startOffset(el: XmlElement): number {
    return this.offsets().start[el]!;
  }

  /** Offset just after the element's end tag or its `/>` (documents parsed whole only). */
  endOffset(el: XmlElement): number {
    return this.offsets().end[el]!;
  }

  /** Whether the layout methods below can answer: the text is kept, or its layout was recorded. */
  get hasLayout(): boolean {
    return this.whole !== undefined || this.t.layout?.complete === true;
  }

  /**
   * The white space before the element's start tag on its line, or undefined when other text stands
   * there. In a document read in pieces, for the elements layout-facts.ts names and the root only.
   */
  startPad(el: XmlElement): string | undefined {
    if (this.whole !== undefined) return leadingSpace(this.whole, this.startOffset(el));
    return this.pad(this.layout.start[this.slot(el)]!);
  }

  /** startPad of the element's first child element (kept or not), or undefined when it has none. */
  firstChildPad(el: XmlElement): string | undefined {
    if (this.whole !== undefined) {
      const c = this.firstChild(el);
      return c >= 0 ? leadingSpace(this.whole, this.startOffset(c)) : undefined;
    }
    const id = this.layout.child[this.slot(el)]!;
    return id === NO_PAD ? undefined : this.pad(id);
  }

  /** The line of the element's end tag and the white space before it on that line; 'empty' for `<x/>`. */
  endTag(el: XmlElement): 'empty' | { line: number; pad: string | undefined } {
    const text = this.whole;
    if (text !== undefined) {
      const end = this.endOffset(el);
      if (text.startsWith('/>', end - 2)) return 'empty';
      const close = text.lastIndexOf('</', end - 1);
      return { line: this.lineAt(close), pad: leadingSpace(text, close) };
    }
    const slot = this.slot(el);
    const id = this.layout.endPad[slot]!;
    return id === SELF_CLOSING ? 'empty' : { line: this.layout.endLine[slot]!, pad: this.pad(id) };
  }

  private get layout(): LayoutTables {
    return this.t.layout!;
  }

  /** The element's slot in the layout tables (the elements layout-facts.ts records). */
  private slot(el: XmlElement): number {
    const slot = this.t.layout ? slotOf(this.t.layout, el) : -1;
    if (slot < 0)
      throw new Error(`the layout of <${this.name(el)}> at line ${this.lineOf(el)} was not recorded`);
    return slot;
  }

  private pad(id: number): string | undefined {
    return id === NOT_AT_LINE_START ? undefined : this.layout.pads[id];
  }

  private offsets(): { start: Int32Array; end: Int32Array } {
    const { start, end } = this.t;
    if (!start || !end) throw new Error('the document was read in pieces: offsets are not kept');
    return { start, end };
  }

  error(el: XmlElement, message: string): InputError {
    return new InputError(this.path, this.lineOf(el), message);
  }

  attr(el: XmlElement, name: string): string | undefined {
    const s = this.t.attrStart[el]!;
    const e = this.t.attrEnd[el]!;
    if (s === e) return undefined;
    if (s === -2) {
      const list = this.t.extraAttrs.get(el)!;
      for (let i = 0; i < list.length; i += 2) if (list[i] === name) return list[i + 1];
      return undefined;
    }
    const local = s & this.mask;
    return this.own(findAttribute(this.pools[s >>> this.shift]!, local, local + (e - s), name));
  }

  /**
   * A value read from the pool as a string of its own: V8 makes a longer slice a view of its parent, and
   * the policies keep some (rule uuids, fqdn texts), which kept every pool piece alive with them (15 MiB
   * at 107 MB). A document parsed whole keeps its text anyway.
   */
  private own<T extends string | undefined>(value: T): T {
    return this.whole === undefined && value !== undefined ? (detach(value) as T) : value;
  }

  /** hashName of the value of attribute `name`, or undefined without one; plain values are hashed in place. */
  attrHash(el: XmlElement, name: string): number | undefined {
    const s = this.t.attrStart[el]!;
    if (s >= 0 && s !== this.t.attrEnd[el]) {
      const text = this.pools[s >>> this.shift]!;
      const local = s & this.mask;
      const v = findAttributeValue(text, local, local + (this.t.attrEnd[el]! - s), name);
      if (v < 0) return undefined;
      const ve = attributeValueEnd;
      if (isPlainAttributeValue(text, v, ve)) return hashRange(text, v, ve);
    }
    const value = this.attr(el, name);
    return value === undefined ? undefined : hashName(value);
  }

  /**
   * Where the value of attribute `name` stands in the kept values, when it is plain (no reference or
   * white space to decode), for `valueAtIs`; -1 otherwise.
   */
  plainAttrAt(el: XmlElement, name: string): number {
    const s = this.t.attrStart[el]!;
    if (s < 0 || s === this.t.attrEnd[el]) return -1;
    const text = this.pools[s >>> this.shift]!;
    const local = s & this.mask;
    const v = findAttributeValue(text, local, local + (this.t.attrEnd[el]! - s), name);
    if (v < 0 || !isPlainAttributeValue(text, v, attributeValueEnd)) return -1;
    return s + (v - local);
  }

  /** hashName of the plain attribute value at `at` (from plainAttrAt). */
  hashAt(at: number): number {
    const text = this.pools[at >>> this.shift]!;
    const local = at & this.mask;
    // It ends at its closing quote, the character that opened it (a plain value can't hold it).
    return hashUntil(text, local, text.charCodeAt(local - 1));
  }

  /** Whether the plain attribute value at `at` (from plainAttrAt) is `value`. */
  valueAtIs(at: number, value: string): boolean {
    const text = this.pools[at >>> this.shift]!;
    const local = at & this.mask;
    // The value ends at its closing quote, the character that opened it (a plain value can't hold it).
    return (
      text.startsWith(value, local) && text.charCodeAt(local + value.length) === text.charCodeAt(local - 1)
    );
  }

  /** Whether attribute `name` has the value `value` (plain values are compared in place). */
  attrIs(el: XmlElement, name: string, value: string): boolean {
    const s = this.t.attrStart[el]!;
    if (s >= 0 && s !== this.t.attrEnd[el]) {
      const text = this.pools[s >>> this.shift]!;
      const local = s & this.mask;
      const v = findAttributeValue(text, local, local + (this.t.attrEnd[el]! - s), name);
      if (v < 0) return false;
      const ve = attributeValueEnd;
      if (isPlainAttributeValue(text, v, ve)) return ve - v === value.length && text.startsWith(value, v);
    }
    return this.attr(el, name) === value;
  }

  /** The element's own text (decoded, not trimmed). */
  rawText(el: XmlElement): string {
    const s = this.t.textStart[el]!;
    if (s === -2) return this.t.extraText.get(el)!;
    if (s < 0) return '';
    const local = s & this.mask;
    return this.own(decodeText(this.pools[s >>> this.shift]!, local, local + (this.t.textEnd[el]! - s)));
  }

  /** The element's own text, trimmed. */
  textOf(el: XmlElement): string {
    return this.own(this.textView(el));
  }

  /**
   * Where the element's text stands in the kept values when textOf would return it as it stands there (no
   * reference, line end or blank at either end), or -1; its length is left in `plainTextLength`. Read it
   * with `keptText`.
   */
  plainTextAt(el: XmlElement): number {
    const s = this.t.textStart[el]!;
    if (s < 0) return -1;
    const text = this.pools[s >>> this.shift]!;
    const ls = s & this.mask;
    const le = ls + (this.t.textEnd[el]! - s);
    if (text.charCodeAt(ls) <= 32 || text.charCodeAt(le - 1) <= 32) return -1;
    for (let i = ls; i < le; i++) {
      const c = text.charCodeAt(i);
      if (c === 38 || c === 13) return -1;
    }
    this.plainTextLength = le - ls;
    return s;
  }

  /** The length of the text plainTextAt found last. */
  plainTextLength = 0;

  /** The kept text at `at` (from plainTextAt), `length` long, as a view (see textView). */
  keptText(at: number, length: number): string {
    const local = at & this.mask;
    return this.pools[at >>> this.shift]!.slice(local, local + length);
  }

  /**
   * textOf, but possibly a view into the kept values (which it would keep alive): for a value read and
   * dropped at once, such as an address parsed into a set, without copying it.
   */
  textView(el: XmlElement): string {
    // The common case, a plain value like "any": no references, no line ends, nothing to trim.
    const at = this.plainTextAt(el);
    return at >= 0 ? this.keptText(at, this.plainTextLength) : this.rawText(el).trim();
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
    const t = this.t;
    for (let c = t.firstChild[el]!; c >= 0; c = t.nextSibling[c]!) {
      if (t.name[c] !== id) continue;
      const s = t.textStart[c]!;
      if (s < 0 || t.firstChild[c]! >= 0) return false;
      if (
        t.textEnd[c]! - s !== value.length ||
        !this.pools[s >>> this.shift]!.startsWith(value, s & this.mask)
      )
        return false;
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
  /** The element's name id: 16 bits (2 bytes less per element), 32 past MAX_SHORT_NAME_ID. */
  name: Uint16Array | Int32Array;
  /** Line of the element's start tag. */
  line: Int32Array;
  firstChild: Int32Array;
  nextSibling: Int32Array;
  /** The raw attributes' range in the pool (equal when none; -2: in extraAttrs). */
  attrStart: Int32Array;
  attrEnd: Int32Array;
  /** The raw text's range in the pool (-1: none; -2: in extraText). Only non-blank text is kept. */
  textStart: Int32Array;
  textEnd: Int32Array;
  /** Offsets of the start tag and after the end tag, in documents parsed whole. */
  start?: Int32Array;
  end?: Int32Array;
  /** The layout around the fix writer's elements, in documents read in pieces. */
  layout?: LayoutTables;
  /** Text that comes in several pieces, as CDATA, beside child elements, or too long for the pool. */
  extraText: Map<number, string>;
  /** Attributes too long for the pool, as [name, value, ...]. */
  extraAttrs: Map<number, string[]>;
}

/**
 * A KeepSpec's answers by element name id, worked out on first sight of each name, so that the builder
 * doesn't look names up in a map for every element of the file.
 */
class KeepNode {
  private readonly byId: (KeepNode | null | undefined)[] = [];

  constructor(
    private readonly spec: KeepSpec,
    /** The node of `true`, shared: its child is itself. */
    private readonly all: KeepNode | undefined,
  ) {}

  /** What to keep of a child named `names[nameId]`, or null to drop it. */
  child(nameId: number, names: readonly string[]): KeepNode | null {
    if (this.spec === true) return this;
    let c = this.byId[nameId];
    if (c === undefined) {
      const spec = this.spec;
      const s = spec === false ? false : (spec.get(names[nameId]!) ?? spec.get(OTHERS) ?? false);
      c = s === false ? null : s === true ? this.all! : new KeepNode(s, this.all);
      this.byId[nameId] = c;
    }
    return c;
  }
}

/** Fills the tables from the tokenizer's events, keeping what `keep` says. */
class TreeBuilder implements XmlHandler {
  readonly t: TreeTables;
  /** Per open kept element (by depth): its index, what to keep of its children, whether it has a child yet, its last kept child (-1: none). */
  private depth = 0;
  private stack = new Int32Array(64);
  private readonly specs: KeepNode[] = [];
  private hasChild = new Uint8Array(64);
  private lastChild = new Int32Array(64);
  /** Open elements being dropped (the outermost dropped one and those inside it). */
  private skip = 0;
  /** The first text of the innermost element, not yet copied (it may be indentation before a child). */
  private pendEl = -1;
  private pendStart = 0;
  private pendEnd = 0;
  private readonly layout: LayoutRecorder | undefined;
  private readonly root: KeepNode;

  constructor(
    private readonly scanner: XmlScanner,
    keep: KeepSpec,
    /** Where kept text is copied; undefined when the document is parsed whole and its text kept. */
    private readonly pool: PoolWriter | undefined,
    guess: number,
  ) {
    guess = Math.max(64, Math.ceil(guess));
    // Entries are set as elements open (no fill): the tail of an array sized by a guess is never touched.
    this.t = {
      count: 0,
      name: new Uint16Array(guess),
      line: new Int32Array(guess),
      firstChild: new Int32Array(guess),
      nextSibling: new Int32Array(guess),
      attrStart: new Int32Array(guess),
      attrEnd: new Int32Array(guess),
      textStart: new Int32Array(guess),
      textEnd: new Int32Array(guess),
      ...(pool ? {} : { start: new Int32Array(guess), end: new Int32Array(guess) }),
      extraText: new Map(),
      extraAttrs: new Map(),
    };
    const all = new KeepNode(true, undefined);
    this.root = keep === true ? all : new KeepNode(keep, all);
    // A document parsed whole has its text for that; one read in pieces records it as it goes.
    if (pool) {
      this.layout = new LayoutRecorder(scanner);
      this.t.layout = this.layout.t;
    }
  }

  private ensure(size: number): void {
    const t = this.t;
    if (size <= t.name.length) return;
    t.name = grow(t.name, size);
    t.line = grow(t.line, size);
    t.firstChild = grow(t.firstChild, size);
    t.nextSibling = grow(t.nextSibling, size);
    t.attrStart = grow(t.attrStart, size);
    t.attrEnd = grow(t.attrEnd, size);
    t.textStart = grow(t.textStart, size);
    t.textEnd = grow(t.textEnd, size);
    if (t.start) t.start = grow(t.start, size);
    if (t.end) t.end = grow(t.end, size);
  }

  /** Room for one more open element. */
  private deeper(): void {
    const n = this.stack.length * 2;
    const stack = new Int32Array(n);
    stack.set(this.stack);
    this.stack = stack;
    const hasChild = new Uint8Array(n);
    hasChild.set(this.hasChild);
    this.hasChild = hasChild;
    const lastChild = new Int32Array(n);
    lastChild.set(this.lastChild);
    this.lastChild = lastChild;
  }

  /** Where text[start, end) of the scanned text is kept: its pool offset, or -1 when too long for it. */
  private store(start: number, end: number): number {
    return this.pool ? this.pool.add(this.scanner.text, start, end) : start;
  }

  open(
    nameId: number,
    attrStart: number,
    attrEnd: number,
    start: number,
    _end: number,
    _selfClosing: boolean,
    line: number,
  ): void {
    if (this.skip > 0) {
      this.skip++;
      return;
    }
    const depth = this.depth;
    let spec: KeepNode | null;
    if (depth === 0) spec = this.root.child(nameId, this.scanner.names);
    else {
      if (this.hasChild[depth - 1] === 0) {
        this.layout?.firstChild(start);
        this.childOpens(depth - 1);
      }
      spec = this.specs[depth - 1]!.child(nameId, this.scanner.names);
    }
    // The root is kept whatever its name (its children are checked against the spec).
    if (spec === null) {
      if (depth > 0) {
        this.skip = 1;
        return;
      }
      spec = new KeepNode(false, undefined);
    }
    const t = this.t;
    const el = t.count++;
    if (el >= t.name.length) this.ensure(t.count);
    if (nameId > MAX_SHORT_NAME_ID && t.name instanceof Uint16Array) t.name = Int32Array.from(t.name);
    t.name[el] = nameId;
    t.line[el] = line;
    t.firstChild[el] = -1;
    t.nextSibling[el] = -1;
    t.textStart[el] = -1;
    if (attrStart < attrEnd) {
      const off = this.store(attrStart, attrEnd);
      if (off >= 0) {
        t.attrStart[el] = off;
        t.attrEnd[el] = off + (attrEnd - attrStart);
      } else {
        t.attrStart[el] = -2;
        t.attrEnd[el] = -1;
        t.extraAttrs.set(el, parseAttributes(this.scanner.text, attrStart, attrEnd).map(detach));
      }
    }
    if (t.start) t.start[el] = start;
    this.layout?.opened(el, nameId, start);
    if (depth > 0) {
      const prev = this.lastChild[depth - 1]!;
      if (prev < 0) t.firstChild[this.stack[depth - 1]!] = el;
      else t.nextSibling[prev] = el;
      this.lastChild[depth - 1] = el;
    }
    if (depth === this.stack.length) this.deeper();
    this.stack[depth] = el;
    this.specs[depth] = spec;
    this.hasChild[depth] = 0;
    this.lastChild[depth] = -1;
    this.depth = depth + 1;
  }

  close(_nameId: number, start: number, end: number): void {
    if (this.skip > 0) {
      this.skip--;
      return;
    }
    const el = this.stack[--this.depth]!;
    this.layout?.closed(start, start === end);
    if (this.pendEl === el) this.commitPending();
    if (this.t.end) this.t.end[el] = end;
  }

  text(start: number, end: number): void {
    this.layout?.text(start, end);
    const depth = this.depth;
    if (this.skip > 0 || depth === 0) return;
    const el = this.stack[depth - 1]!;
    if (this.hasChild[depth - 1] === 0 && this.t.textStart[el] === -1 && this.pendEl !== el) {
      this.pendEl = el;
      this.pendStart = start;
      this.pendEnd = end;
      return;
    }
    const text = this.scanner.text;
    if (!isBlank(text, start, end)) this.append(el, decodeText(text, start, end));
  }

  cdata(start: number, end: number): void {
    const depth = this.depth;
    if (this.skip > 0 || depth === 0) return;
    this.append(this.stack[depth - 1]!, decodeCdata(this.scanner.text, start, end));
  }

  /** The element at `depth` gets a child: the text before it was indentation, or else mixed content. */
  private childOpens(depth: number): void {
    this.hasChild[depth] = 1;
    const el = this.stack[depth]!;
    if (this.pendEl !== el) return;
    if (isBlank(this.scanner.text, this.pendStart, this.pendEnd)) this.pendEl = -1;
    else this.append(el, '');
  }

  /** Adds a piece to an element's text, which is then kept decoded (rare: PAN-OS writes plain values). */
  private append(el: number, piece: string): void {
    const t = this.t;
    let before = '';
    if (this.pendEl === el) {
      const text = this.scanner.text;
      if (!isBlank(text, this.pendStart, this.pendEnd))
        before = decodeText(text, this.pendStart, this.pendEnd);
      this.pendEl = -1;
    } else if (t.textStart[el] === -2) before = t.extraText.get(el)!;
    else if (t.textStart[el]! >= 0) before = this.storedText(el);
    t.textStart[el] = -2;
    t.extraText.set(el, this.pool ? detach(before + piece) : before + piece);
  }

  /** The decoded text of an element whose text is in the pool (or the text parsed whole). */
  private storedText(el: number): string {
    const s = this.t.textStart[el]!;
    const e = this.t.textEnd[el]!;
    if (!this.pool) return decodeText(this.scanner.text, s, e);
    this.pool.seal();
    const local = s & (POOL_PIECE - 1);
    return decodeText(this.pool.pieces[s >>> POOL_SHIFT]!, local, local + (e - s));
  }

  /** Keeps the pending text of the innermost element, unless it is blank. */
  private commitPending(): void {
    const el = this.pendEl;
    this.pendEl = -1;
    const text = this.scanner.text;
    if (isBlank(text, this.pendStart, this.pendEnd)) return;
    const off = this.store(this.pendStart, this.pendEnd);
    const t = this.t;
    if (off >= 0) {
      t.textStart[el] = off;
      t.textEnd[el] = off + (this.pendEnd - this.pendStart);
    } else {
      t.textStart[el] = -2;
      t.extraText.set(el, detach(decodeText(text, this.pendStart, this.pendEnd)));
    }
  }

  /** Before the scanner moves on to the next piece of text: nothing may point into this one. */
  flush(): void {
    this.layout?.flush();
    if (this.pendEl >= 0) this.commitPending();
    this.pool?.compact();
  }
}

/** Turns a syntax error into an InputError at its line, naming the line the element it concerns opened on. */
function syntaxError(path: string, e: XmlSyntaxError): InputError {
  const opened = e.openedLine !== undefined ? ` (opened at line ${e.openedLine})` : '';
  return new InputError(path, e.line, `invalid XML: ${e.message}${opened}`);
}

/**
 * Parses a whole XML file, keeping everything and the text (for writing fixes into it). Malformed XML
 * becomes an InputError at the line of the problem, naming the element it concerns and the line that
 * element was opened on.
 */
export function parseXmlDocument(file: InputFile): XmlDocument {
  const text = file.text;
  const scanner = new XmlScanner(text);
  const builder = new TreeBuilder(scanner, true, undefined, Math.ceil(text.length / 40));
  try {
    scanner.scan(builder);
  } catch (e) {
    if (e instanceof XmlSyntaxError) throw syntaxError(file.path, e);
    throw e;
  }
  return new XmlDocument(file.path, text, scanner.names, builder.t, {
    pieces: [text],
    shift: 31,
    mask: 0x7fffffff,
  });
}

/**
 * Reads an XML file in pieces (textChunks), keeping only the elements `keep` names: memory follows what
 * is kept, not the size of the file. Everything is still checked as XML, with the same errors as
 * parseXmlDocument.
 */
export function readXmlDocument(file: InputFile, keep: KeepSpec): XmlDocument {
  const scanner = new XmlScanner();
  const pool = new PoolWriter(file.path);
  // Sized for an export whose values are mostly kept (about 55 bytes of file per kept element).
  const builder = new TreeBuilder(scanner, keep, pool, file.size !== undefined ? file.size / 48 : 1024);
  try {
    for (const piece of textChunks(file)) scanner.feed(piece, false, builder);
    scanner.feed('', true, builder);
  } catch (e) {
    if (e instanceof XmlSyntaxError) throw syntaxError(file.path, e);
    throw e;
  }
  builder.flush();
  pool.seal();
  return new XmlDocument(file.path, undefined, scanner.names, builder.t, {
    pieces: pool.pieces,
    shift: POOL_SHIFT,
    mask: POOL_PIECE - 1,
  });
}
