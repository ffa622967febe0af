import { detach, type XmlScanner } from './xml-tokenizer.js';

/**
 * The elements whose layout the fix writer reads (remediate-text.ts): the rule `<entry>`s it goes before,
 * and the elements it writes into (a vsys or device group `<entry>`, `<config>`, `<shared>`, the
 * rulebases, `<security>`, `<rules>`, the `<address>` and `<service>` lists), with the elements on the
 * way to them from the root. An element is recorded when its name is here and its parent was recorded;
 * an `<entry>` only in the lists named here (not an object's, nor what is in a rule).
 */
const ON_THE_WAY = new Set([
  'response',
  'result',
  'config',
  'devices',
  'vsys',
  'device-group',
  'panorama',
  'shared',
  'rulebase',
  'pre-rulebase',
  'post-rulebase',
  'security',
  'rules',
  'address',
  'service',
]);
const ENTRY_LISTS = new Set(['devices', 'vsys', 'device-group', 'rules']);

/** Pad ids: nothing recorded (or, for a first child, no child), not at the start of its line, `<x/>`. */
export const NO_PAD = 0;
export const NOT_AT_LINE_START = 1;
export const SELF_CLOSING = 2;

/**
 * What a document read in pieces keeps of the text around its laid-out elements, so that a fix can be
 * written into the file without parsing it again: the white space before the start tag on its line, the
 * same for its first child element (kept or not), and the line of its end tag and the white space before
 * it. White space strings are interned (ids into `pads`).
 */
export interface LayoutTables {
  pads: string[];
  /** The recorded elements, ascending (elements are numbered in document order); the rest by slot. */
  els: Int32Array;
  count: number;
  start: Uint16Array;
  child: Uint16Array;
  endPad: Uint16Array;
  endLine: Int32Array;
  /** False when the file had more distinct indentations than ids: the fix writer parses it again. */
  complete: boolean;
}

/** The white space before an offset on its line, or undefined when other text stands there. */
export function leadingSpace(text: string, offset: number): string | undefined {
  const before = text.slice(text.lastIndexOf('\n', offset - 1) + 1, offset);
  return /^[ \t]*$/.test(before) ? before : undefined;
}

/** The slot of a recorded element, or -1. */
export function slotOf(t: LayoutTables, el: number): number {
  let lo = 0;
  let hi = t.count - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const at = t.els[mid]!;
    if (at === el) return mid;
    if (at < el) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

function grow<T extends Uint16Array | Int32Array>(a: T, make: (n: number) => T): T {
  const b = make(a.length * 2);
  b.set(a);
  return b;
}

/** Records LayoutTables from the scanner's events, as the tree builder sees them. */
export class LayoutRecorder {
  readonly t: LayoutTables;
  private readonly ids = new Map<string, number>();
  /** By name id: 0 not recorded, 1 on the way, 2 `<entry>`, 3 a list of recorded entries. */
  private readonly kinds: number[] = [];
  /** Spaces-only pads by length (the usual indentation), to skip slicing and lookup. */
  private readonly spaces: number[] = [];
  /** The last text run, as offsets in the whole document; its pad, worked out before its text went. */
  private runStart = -1;
  private runEnd = -1;
  private saved = NOT_AT_LINE_START;
  private savedFor = -1;
  /** The slots and name ids of the open recorded elements (every one inside the root's). */
  private readonly open: number[] = [];
  private readonly openNames: number[] = [];
  /** Open kept elements inside the innermost recorded one that are not recorded (nor what is in them). */
  private below = 0;

  constructor(private readonly scanner: XmlScanner) {
    const size = 256;
    this.t = {
      pads: ['', '', ''],
      els: new Int32Array(size),
      count: 0,
      start: new Uint16Array(size),
      child: new Uint16Array(size),
      endPad: new Uint16Array(size),
      endLine: new Int32Array(size),
      complete: true,
    };
  }

  private add(el: number, pad: number): number {
    const t = this.t;
    if (t.count === t.els.length) {
      t.els = grow(t.els, (n) => new Int32Array(n));
      t.start = grow(t.start, (n) => new Uint16Array(n));
      t.child = grow(t.child, (n) => new Uint16Array(n));
      t.endPad = grow(t.endPad, (n) => new Uint16Array(n));
      t.endLine = grow(t.endLine, (n) => new Int32Array(n));
    }
    const slot = t.count++;
    t.els[slot] = el;
    t.start[slot] = pad;
    return slot;
  }

  /** A text run (every one, wherever it stands: the next tag may start a line after it). */
  text(start: number, end: number): void {
    const base = this.scanner.base;
    this.runStart = base + start;
    this.runEnd = base + end;
  }

  private kind(nameId: number): number {
    let k = this.kinds[nameId];
    if (k === undefined) {
      const name = this.scanner.names[nameId]!;
      k = name === 'entry' ? 2 : ENTRY_LISTS.has(name) ? 3 : ON_THE_WAY.has(name) ? 1 : 0;
      this.kinds[nameId] = k;
    }
    return k;
  }

  /** A kept element opened at `lt`. */
  opened(el: number, nameId: number, lt: number): void {
    if (this.below > 0) {
      this.below++;
      return;
    }
    const depth = this.open.length;
    if (depth > 0 && !this.recorded(nameId, depth)) {
      this.below = 1;
      return;
    }
    this.open.push(this.add(el, this.padAt(lt)));
    this.openNames.push(nameId);
  }

  /**
   * Whether an element opening inside the recorded element at `depth - 1` is recorded: its name is on
   * the way, or it is an `<entry>` of a list of them (not a rule's: what is in a rule is not recorded).
   */
  private recorded(nameId: number, depth: number): boolean {
    const k = this.kind(nameId);
    if (k === 0) return false;
    const parent = this.openNames[depth - 1]!;
    if (k === 2) return this.kind(parent) === 3;
    return this.kind(parent) !== 2 || depth < 2 || this.scanner.names[this.openNames[depth - 2]!] !== 'rules';
  }

  /** The first child element of the innermost open kept element opens at `lt`. */
  firstChild(lt: number): void {
    if (this.below > 0) return;
    const slot = this.open[this.open.length - 1]!;
    this.t.child[slot] = this.padAt(lt);
  }

  /** The innermost open kept element closes by an end tag at `lt` (or its own `/>` when `selfClosing`). */
  closed(lt: number, selfClosing: boolean): void {
    if (this.below > 0) {
      this.below--;
      return;
    }
    this.openNames.pop();
    const slot = this.open.pop()!;
    const t = this.t;
    if (selfClosing) t.endPad[slot] = SELF_CLOSING;
    else {
      t.endPad[slot] = this.padAt(lt);
      t.endLine[slot] = this.scanner.lineAt(lt);
    }
  }

  /** Before the scanner drops the text scanned so far: the pad of the last run, for a tag cut after it. */
  flush(): void {
    const base = this.scanner.base;
    if (this.runStart < base) return;
    this.saved = this.padOfRun(this.runStart - base, this.runEnd - base);
    this.savedFor = this.runEnd;
  }

  /** The pad id of a tag at `lt` of the scanned text. */
  private padAt(lt: number): number {
    const base = this.scanner.base;
    const at = base + lt;
    if (at === 0) return this.intern('');
    if (at !== this.runEnd) return NOT_AT_LINE_START;
    if (this.runStart < base) return this.savedFor === at ? this.saved : NOT_AT_LINE_START;
    return this.padOfRun(this.runStart - base, lt);
  }

  /** The white space after the last line end of text[s, e), when that is all that follows it. */
  private padOfRun(s: number, e: number): number {
    const text = this.scanner.text;
    let i = e;
    let tabs = false;
    while (i > s) {
      const c = text.charCodeAt(i - 1);
      if (c === 9) tabs = true;
      else if (c !== 32) break;
      i--;
    }
    if (i > s && text.charCodeAt(i - 1) !== 10) return NOT_AT_LINE_START;
    if (i > s && !tabs) return (this.spaces[e - i] ??= this.intern(text.slice(i, e)));
    if (i > s) return this.intern(text.slice(i, e));
    // Only blanks: the line starts before the run, unless the run starts the document.
    return this.runStart === 0 ? this.intern(text.slice(s, e)) : NOT_AT_LINE_START;
  }

  private intern(pad: string): number {
    let id = this.ids.get(pad);
    if (id === undefined) {
      id = this.t.pads.length;
      if (id > 0xffff) {
        this.t.complete = false;
        return NOT_AT_LINE_START;
      }
      // A copy: a slice may keep the whole piece of text alive.
      this.t.pads.push(detach(pad));
      this.ids.set(pad, id);
    }
    return id;
  }
}
