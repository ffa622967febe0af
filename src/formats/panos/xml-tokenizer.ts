/**
 * A small, fast XML tokenizer for PAN-OS configuration files. PAN-OS exports are plain XML 1.0: elements,
 * attributes in double quotes, the five predefined entities, an optional declaration, rarely a comment.
 * Library SAX parsers walk every character through a state machine (about 55 MB/s here); this one jumps
 * between markup with `indexOf`, looks only at the characters of tags, and allocates nothing per element:
 * element names are interned to small integers and text and attributes are reported as offset ranges,
 * decoded only when someone reads them. It still checks what matters: every start tag has its end tag
 * (a truncated file or broken nesting is an error), attributes are `name="value"`, every `&` starts a
 * known entity or a character reference, nothing but white space stands outside the root element.
 *
 * Offsets are UTF-16 indexes into the text being scanned; the scanner counts lines as it goes.
 */

import { constants } from 'node:buffer';

/** Malformed XML at `offset` of the text scanned, on `line`; the reader turns it into an InputError. */
export class XmlSyntaxError extends Error {
  /** The line of `offset`, set by the scanner. */
  line = 0;

  constructor(
    readonly offset: number,
    message: string,
    /** The line where the element the problem is about was opened (the reader names it). */
    readonly openedLine?: number,
  ) {
    super(message);
    this.name = 'XmlSyntaxError';
  }
}

/**
 * What the tokenizer reports, in document order, as offset ranges into the text. Element names come as
 * ids into `XmlScanner.names`.
 */
export interface XmlHandler {
  /**
   * A start tag from `start` (its `<`) to `end` (after its `>`); its attributes, already checked, stand
   * in text[attrStart, attrEnd) (read them with `parseAttributes`).
   */
  open(
    nameId: number,
    attrStart: number,
    attrEnd: number,
    start: number,
    end: number,
    selfClosing: boolean,
    line: number,
  ): void;
  /** An end tag, or the end of a self-closing tag (then `start === end`). */
  close(nameId: number, start: number, end: number): void;
  /** Character data in text[start, end), raw (read it with `decodeText`). */
  text(start: number, end: number): void;
  /** A CDATA section's content, verbatim, in text[start, end). */
  cdata?(start: number, end: number): void;
  comment?(start: number, end: number): void;
  /** A processing instruction or the XML declaration `<?target data?>` from `start` to `end`. */
  processingInstruction?(target: string, start: number, end: number): void;
  /** The text scanned so far is about to be dropped: offsets into it are no longer valid after this. */
  flush?(): void;
}

const LT = 60; // <
const GT = 62; // >
const SLASH = 47;
const BANG = 33;
const QUESTION = 63;
const EQUALS = 61;
const DQUOTE = 34;
const SQUOTE = 39;
const AMP = 38;
const SEMI = 59;
const CR = 13;

/** Character classes for ASCII: 1 = white space, 2 = name start, 4 = name character. */
const CLASS = new Uint8Array(128);
for (const c of [32, 10, 9, 13]) CLASS[c] = 1;
for (let c = 0; c < 128; c++) {
  const letter = (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c === 58;
  if (letter) CLASS[c] = CLASS[c]! | 2 | 4;
  if ((c >= 48 && c <= 57) || c === 45 || c === 46) CLASS[c] = CLASS[c]! | 4;
}

function isSpace(c: number): boolean {
  return c < 128 && CLASS[c] === 1;
}

/** XML NameStartChar, simplified to ASCII letters, `_`, `:` and anything beyond ASCII. */
function isNameStart(c: number): boolean {
  return c < 128 ? (CLASS[c]! & 2) !== 0 : c >= 0xc0;
}

function isNameChar(c: number): boolean {
  return c < 128 ? (CLASS[c]! & 4) !== 0 : c >= 0xb7;
}

/**
 * A copy of a string that holds no reference to a longer one (V8 makes a slice of 13 or more characters
 * a view into its parent, which would keep a whole piece of the file alive).
 */
export function detach(s: string): string {
  return s.length < 13 ? s : (' ' + s).slice(1);
}

/** Whether text[start, end) is only XML white space. */
export function isBlank(text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 10 && c !== 9 && c !== 13) return false;
  }
  return true;
}

function describeChar(text: string, at: number): string {
  if (at >= text.length) return 'the end of the file (it looks truncated)';
  return JSON.stringify(text[at]);
}

/** The first index of `code` in text[start, end), or -1; never looks past `end`. */
function indexIn(text: string, code: number, start: number, end: number): number {
  for (let i = start; i < end; i++) if (text.charCodeAt(i) === code) return i;
  return -1;
}

const PREDEFINED_ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function isXmlChar(cp: number): boolean {
  return (
    cp === 9 ||
    cp === 10 ||
    cp === 13 ||
    (cp >= 0x20 && cp <= 0xd7ff) ||
    (cp >= 0xe000 && cp <= 0xfffd) ||
    (cp >= 0x10000 && cp <= 0x10ffff)
  );
}

/** The reference starting with the `&` at `amp`: its value and where it ends. Throws if it is not one. */
function readReference(text: string, amp: number, limit: number): { value: string; end: number } {
  const semi = indexIn(text, SEMI, amp + 1, Math.min(limit, amp + 18));
  if (semi < 0) {
    // A reference cut off by the end of the file is a truncated file, not a stray "&".
    if (limit >= text.length && /^&#?[0-9A-Za-z]*$/.test(text.slice(amp))) {
      throw new XmlSyntaxError(amp, 'the file ends inside an entity reference; it looks truncated');
    }
    throw new XmlSyntaxError(amp, 'a bare "&" in text or an attribute; write it as &amp;');
  }
  const ref = text.slice(amp + 1, semi);
  if (ref.charCodeAt(0) === 35 /* # */) {
    const hex = ref.charCodeAt(1) === 120; /* x */
    const digits = ref.slice(hex ? 2 : 1);
    const valid = hex ? /^[0-9a-fA-F]+$/.test(digits) : /^[0-9]+$/.test(digits);
    const cp = valid ? parseInt(digits, hex ? 16 : 10) : NaN;
    if (!valid || !isXmlChar(cp))
      throw new XmlSyntaxError(amp, `"&${ref};" is not a valid character reference`);
    return { value: String.fromCodePoint(cp), end: semi + 1 };
  }
  const value = PREDEFINED_ENTITIES[ref];
  if (value === undefined) {
    throw new XmlSyntaxError(
      amp,
      `unknown entity "&${ref};"; expected one of &lt; &gt; &amp; &quot; &apos; or a character reference`,
    );
  }
  return { value, end: semi + 1 };
}

/** Replaces entity and character references in text[start, end). */
function decodeReferences(text: string, start: number, end: number): string {
  let amp = indexIn(text, AMP, start, end);
  if (amp < 0) return text.slice(start, end);
  let out = '';
  let last = start;
  while (amp >= 0) {
    const ref = readReference(text, amp, end);
    out += text.slice(last, amp) + ref.value;
    last = ref.end;
    amp = indexIn(text, AMP, last, end);
  }
  return out + text.slice(last, end);
}

/** The value of character data text[start, end): references replaced, line ends normalized (XML 1.0 §2.11). */
export function decodeText(text: string, start: number, end: number): string {
  const raw = decodeReferences(text, start, end);
  return indexIn(text, CR, start, end) < 0 ? raw : raw.replace(/\r\n?/g, '\n');
}

/** A CDATA section's value: verbatim, but with line ends normalized like all XML text (XML 1.0 §2.11). */
export function decodeCdata(text: string, start: number, end: number): string {
  const raw = text.slice(start, end);
  return indexIn(text, CR, start, end) < 0 ? raw : raw.replace(/\r\n?/g, '\n');
}

/** An attribute value: literal white space becomes a space (XML 1.0 §3.3.3), then references are replaced. */
function decodeAttributeValue(text: string, start: number, end: number): string {
  let plain = true;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === AMP || c === 9 || c === 10 || c === CR) {
      plain = false;
      break;
    }
  }
  if (plain) return text.slice(start, end);
  let out = '';
  let last = start;
  let amp = indexIn(text, AMP, start, end);
  while (amp >= 0) {
    const ref = readReference(text, amp, end);
    out += text.slice(last, amp).replace(/\r\n|[\t\n\r]/g, ' ') + ref.value;
    last = ref.end;
    amp = indexIn(text, AMP, last, end);
  }
  return out + text.slice(last, end).replace(/\r\n|[\t\n\r]/g, ' ');
}

/**
 * Reads the attributes a start tag reported in text[start, end) (already checked by the scanner) as
 * [name, value, name, value, ...].
 */
export function parseAttributes(text: string, start: number, end: number): string[] {
  const out: string[] = [];
  let i = start;
  while (i < end) {
    while (i < end && isSpace(text.charCodeAt(i))) i++;
    if (i >= end) break;
    const nameStart = i;
    while (isNameChar(text.charCodeAt(i))) i++;
    const name = text.slice(nameStart, i);
    while (text.charCodeAt(i) !== EQUALS) i++;
    i++;
    while (isSpace(text.charCodeAt(i))) i++;
    const quote = text.charCodeAt(i);
    const valueEnd = indexIn(text, quote, i + 1, end);
    out.push(name, decodeAttributeValue(text, i + 1, valueEnd));
    i = valueEnd + 1;
  }
  return out;
}

/** The value of attribute `name` in text[start, end) (a range the scanner reported), or undefined. */
export function findAttribute(text: string, start: number, end: number, name: string): string | undefined {
  const value = findAttributeValue(text, start, end, name);
  return value < 0 ? undefined : decodeAttributeValue(text, value, attributeValueEnd);
}

/**
 * Where the raw value of attribute `name` starts in text[start, end) (a range the scanner reported), or
 * -1; its end is left in `attributeValueEnd`. Reads the name without building strings.
 */
export function findAttributeValue(text: string, start: number, end: number, name: string): number {
  let i = start;
  while (i < end) {
    while (i < end && isSpace(text.charCodeAt(i))) i++;
    if (i >= end) break;
    const nameStart = i;
    while (isNameChar(text.charCodeAt(i))) i++;
    const match = i - nameStart === name.length && text.startsWith(name, nameStart);
    while (text.charCodeAt(i) !== EQUALS) i++;
    i++;
    while (isSpace(text.charCodeAt(i))) i++;
    const quote = text.charCodeAt(i);
    const valueEnd = indexIn(text, quote, i + 1, end);
    if (match) {
      attributeValueEnd = valueEnd;
      return i + 1;
    }
    i = valueEnd + 1;
  }
  return -1;
}

/** The end of the value `findAttributeValue` found last. */
export let attributeValueEnd = 0;

/** Whether a raw attribute value text[start, end) is its own value (no reference, no white space to normalize). */
export function isPlainAttributeValue(text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === AMP || c === 9 || c === 10 || c === CR) return false;
  }
  return true;
}

/** Thrown inside the scanner when a token runs past the end of a piece that isn't the last. */
const NEED_MORE = Symbol('need more text');

/** The longest string the engine can make (V8: 2^29 - 24 characters). */
const MAX_TEXT = constants.MAX_STRING_LENGTH;

/** A rest of text longer than this that still holds no whole token waits for twice as much text. */
const WAIT_ABOVE = 1 << 20;

/** A rest up to this long is finished with the next piece's start (see `bridge`); first with this much of it. */
const BRIDGE_MAX = 1 << 16;
const BRIDGE = 512;

/**
 * Tokenizes one document, calling the handler for each piece in order, and interns element names in
 * `names`. Throws XmlSyntaxError at the first problem, with its line.
 *
 * The text may come whole (`new XmlScanner(text).scan(h)`) or in pieces (`feed(piece, false, h)` for
 * each, then `feed('', true, h)`): a piece may end anywhere, even inside a tag or a character; what it
 * leaves unfinished is kept and scanned with the next piece. Offsets given to the handler are indexes
 * into `text`, the text being scanned, valid until the next `feed`. Lines are counted as it goes.
 */
export class XmlScanner {
  /** Element names by id, in order of first appearance. */
  readonly names: string[] = [];
  private readonly buckets = new Map<number, number[]>();
  /** The text being scanned: what the last piece left unscanned, then the new piece. */
  text = '';
  /** Offset of `text` in the whole document. */
  base = 0;
  /** Whether `text` ends the document. */
  private final = false;
  /** Position of the next `&` not yet checked (every one is checked once, wherever it stands). */
  private nextAmp = -1;
  /** Position of a "]]>" at or after the text run being scanned, or before it (then it is looked for again). */
  private nextCdataEnd = -1;
  /** Name ids of the open elements, and the lines of their start tags. */
  private readonly open: number[] = [];
  private readonly openLines: number[] = [];
  private rootSeen = false;
  /** Line number at offset `lineFrom` of `text`, and the first newline at or after it (-1: none). */
  private line = 1;
  private lineFrom = 0;
  private nextNl = -1;
  /** A long unfinished rest is scanned again only once the text is at least this long. */
  private waitFor = 0;
  /** The file's last character so far (an error at its end names the last line, not the empty one after). */
  private lastChar = -1;

  constructor(text?: string) {
    if (text !== undefined) this.text = text;
  }

  /** Tokenizes the text given to the constructor, as the whole document. */
  scan(h: XmlHandler): void {
    const text = this.text;
    this.text = '';
    this.feed(text, true, h);
  }

  /** Scans the unfinished rest and `piece`; `final` says that no text follows. */
  feed(piece: string, final: boolean, h: XmlHandler): void {
    if (this.text.length + piece.length > MAX_TEXT) {
      throw this.located(
        new XmlSyntaxError(0, 'a single piece of markup or text is longer than this reader can hold'),
      );
    }
    if (piece.length > 0) this.lastChar = piece.charCodeAt(piece.length - 1);
    this.final = final;
    if (!final && this.text.length > 0 && this.text.length <= BRIDGE_MAX && this.bridge(piece, h)) return;
    const text = this.text.length === 0 ? piece : this.text + piece;
    this.text = text;
    if (!final && text.length < this.waitFor) return;
    const stop = this.scanText(h, 0);
    if (!final) this.keepRest(stop, h);
  }

  /**
   * Finishes the unfinished rest with the start of `piece` (rest + a few hundred characters), then scans
   * the piece itself from there: joining a short rest to a whole piece would copy the piece (tens of ms
   * per 100 MB). False, with nothing scanned, when the rest's token runs on past BRIDGE_MAX characters.
   */
  private bridge(piece: string, h: XmlHandler): boolean {
    let rest = this.text;
    for (let b = BRIDGE; b < piece.length && rest.length + b <= 2 * BRIDGE_MAX;) {
      const line = this.line;
      this.text = rest + piece.slice(0, b);
      const stop = this.scanText(h, 0);
      if (stop === 0) {
        // Nothing scanned: the rest's token goes on; try with more of the piece.
        this.line = line;
        b *= 2;
        continue;
      }
      if (stop < rest.length) {
        this.keepRest(stop, h);
        rest = this.text.slice(0, rest.length - stop);
        this.text = rest;
        continue;
      }
      // Offset `stop` of the bridge is offset stop - rest.length of the piece: go on there.
      h.flush?.();
      this.lineAt(stop);
      this.base += rest.length;
      this.text = piece;
      this.keepRest(this.scanText(h, stop - rest.length), h);
      return true;
    }
    this.text = rest;
    return false;
  }

  /** Scans `text` from `from`, where the line is `line`; returns where the first unfinished token starts. */
  private scanText(h: XmlHandler, from: number): number {
    const text = this.text;
    this.lineFrom = from;
    this.nextNl = text.indexOf('\n', from);
    this.nextAmp = text.indexOf('&', from);
    this.nextCdataEnd = text.indexOf(']]>', from);
    try {
      return this.run(h, from);
    } catch (e) {
      if (e instanceof XmlSyntaxError) throw this.located(e);
      throw e;
    }
  }

  /** What is left from `stop` starts a token: keep it for the next piece, with the line it starts on. */
  private keepRest(stop: number, h: XmlHandler): void {
    const text = this.text;
    h.flush?.();
    this.lineAt(stop);
    this.base += stop;
    const rest = text.length - stop;
    this.text = rest === 0 ? '' : text.slice(stop);
    this.waitFor = rest > WAIT_ABOVE ? 2 * rest : 0;
  }

  /** Gives an error its line (and the line of the element it concerns). */
  private located(e: XmlSyntaxError): XmlSyntaxError {
    const n = this.text.length;
    if (e.offset < n || !this.final) e.line = this.lineAt(Math.min(e.offset, n));
    else e.line = this.lineAt(n) - (this.lastChar === 10 && this.lineAt(n) > 1 ? 1 : 0);
    return e;
  }

  /** The line of offset `at` of `text`; offsets asked for go forward, except for errors. */
  lineAt(at: number): number {
    const text = this.text;
    if (at < this.lineFrom) {
      let back = 0;
      for (let i = text.indexOf('\n', at); i >= 0 && i < this.lineFrom; i = text.indexOf('\n', i + 1)) back++;
      return this.line - back;
    }
    let nl = this.nextNl;
    let line = this.line;
    while (nl >= 0 && nl < at) {
      line++;
      nl = text.indexOf('\n', nl + 1);
    }
    this.line = line;
    this.nextNl = nl;
    this.lineFrom = at;
    return line;
  }

  /** A token cut by the end of the text: wait for more, or report it when the text is all there is. */
  private truncated(at: number, message: string, openedLine?: number): never {
    if (!this.final) throw NEED_MORE;
    throw new XmlSyntaxError(at, message, openedLine);
  }

  /**
   * The characters of every name, back to back (names[id] at codeStart[id], nameLength[id] long): a tag's
   * name is compared with them by a loop over the text alone, not with the name string (whose every
   * character read goes through V8's string-shape dispatch as the text's does).
   */
  private codes = new Uint16Array(1024);
  private codeStart = new Int32Array(64);
  private nameLength = new Int32Array(64);
  private codesUsed = 0;

  /** Whether names[id] stands in `text` at `at`. */
  private nameAt(text: string, at: number, id: number): boolean {
    const n = this.nameLength[id]!;
    if (at + n > text.length) return false;
    const codes = this.codes;
    const from = this.codeStart[id]!;
    for (let i = 0; i < n; i++) if (text.charCodeAt(at + i) !== codes[from + i]) return false;
    return true;
  }

  /** Adds a new name's characters for nameAt. */
  private addCodes(id: number, name: string): void {
    if (id >= this.codeStart.length) {
      const start = new Int32Array(2 * this.codeStart.length);
      start.set(this.codeStart);
      this.codeStart = start;
      const length = new Int32Array(2 * this.nameLength.length);
      length.set(this.nameLength);
      this.nameLength = length;
    }
    if (this.codesUsed + name.length > this.codes.length) {
      const codes = new Uint16Array(2 * (this.codesUsed + name.length));
      codes.set(this.codes);
      this.codes = codes;
    }
    this.codeStart[id] = this.codesUsed;
    this.nameLength[id] = name.length;
    for (let i = 0; i < name.length; i++) this.codes[this.codesUsed++] = name.charCodeAt(i);
  }

  /** Name ids by a hash of the name's length and characters (0 = empty slot; collisions go to `buckets`). */
  private readonly slots = new Int32Array(1 << 12);

  /** The id of the name in text[start, end), without building a string once the name is known. */
  private intern(start: number, end: number): number {
    const text = this.text;
    const len = end - start;
    const first = text.charCodeAt(start);
    const last = text.charCodeAt(end - 1);
    const slot = (len * 131 + first * 31 + last * 7 + text.charCodeAt(start + (len >> 1))) & 0xfff;
    const cached = this.slots[slot]! - 1;
    if (cached >= 0) {
      if (this.nameLength[cached] === len && this.nameAt(text, start, cached)) return cached;
    }
    const key = (len << 16) ^ (first << 8) ^ last;
    const bucket = this.buckets.get(key);
    if (bucket) {
      for (const id of bucket) {
        const name = this.names[id]!;
        if (name.length === len && text.startsWith(name, start)) {
          this.slots[slot] = id + 1;
          return id;
        }
      }
    }
    const id = this.names.length;
    // A copy: a slice would keep the whole piece of text alive.
    const name = detach(text.slice(start, end));
    this.names.push(name);
    this.addCodes(id, name);
    if (bucket) bucket.push(id);
    else this.buckets.set(key, [id]);
    this.slots[slot] = id + 1;
    return id;
  }

  /** Checks every `&` in [start, end) (text or an attribute value) and moves past them. */
  private checkReferences(start: number, end: number): void {
    while (this.nextAmp >= start && this.nextAmp < end) {
      const ref = readReference(this.text, this.nextAmp, end);
      this.nextAmp = this.text.indexOf('&', ref.end);
    }
  }

  /**
   * Character data may not hold "]]>" (XML 1.0 §2.4); one before `start` stood in markup (a CDATA
   * section's end, a comment, an attribute value), where it may.
   */
  private checkCdataEnd(start: number, end: number): void {
    if (this.nextCdataEnd < start) this.nextCdataEnd = this.text.indexOf(']]>', start);
    if (this.nextCdataEnd >= 0 && this.nextCdataEnd < end)
      throw new XmlSyntaxError(this.nextCdataEnd, '"]]>" in text; write its ">" as &gt;');
  }

  /** Skips every `&` before `pos` (inside comments, CDATA and instructions, where `&` is literal). */
  private skipReferencesBefore(pos: number): void {
    if (this.nextAmp >= 0 && this.nextAmp < pos) this.nextAmp = this.text.indexOf('&', pos);
  }

  /** Scans tokens of `text` from `from`; returns where the first unfinished one starts. */
  private run(h: XmlHandler, from: number): number {
    const text = this.text;
    const n = text.length;
    const open = this.open;
    const final = this.final;
    let depth = open.length;
    let pos = from;
    while (pos < n) {
      const lt = text.indexOf('<', pos);
      // Text running to the end of a piece may go on in the next one.
      if (lt < 0 && !final) return pos;
      const textEnd = lt < 0 ? n : lt;
      if (textEnd > pos) {
        if (depth === 0 && !isBlank(text, pos, textEnd)) {
          let at = pos;
          while (isSpace(text.charCodeAt(at))) at++;
          throw new XmlSyntaxError(
            at,
            this.rootSeen
              ? 'text after the end of the root element; the file should end after its closing tag'
              : 'text before the root element; expected an XML document starting with "<"',
          );
        }
        if (this.nextAmp >= 0 && this.nextAmp < textEnd) this.checkReferences(pos, textEnd);
        if (this.nextCdataEnd >= 0 && this.nextCdataEnd < textEnd) this.checkCdataEnd(pos, textEnd);
        h.text(pos, textEnd);
      }
      if (lt < 0) break;
      if (lt + 1 >= n && !final) return lt;
      const c = text.charCodeAt(lt + 1);
      try {
        if (c === SLASH) {
          pos = this.endTag(h, lt, depth);
          this.prevSibling = open.pop()!;
          this.openLines.pop();
          depth--;
        } else if (c === BANG) pos = this.markupDeclaration(h, lt, depth);
        else if (c === QUESTION) pos = this.instruction(h, lt);
        else {
          if (depth === 0 && this.rootSeen)
            throw new XmlSyntaxError(lt, 'a second root element; an XML document has exactly one');
          const end = this.startTag(h, lt);
          if (end < 0) {
            pos = -end;
            this.rootSeen = true;
            this.prevSibling = this.lastName;
          } else {
            open.push(this.lastName);
            this.prevSibling = -1;
            this.openLines.push(this.lastLine);
            depth++;
            this.rootSeen = true;
            pos = end;
          }
        }
      } catch (e) {
        if (e === NEED_MORE) return lt;
        throw e;
      }
    }
    if (!final) return n;
    if (depth > 0) {
      throw new XmlSyntaxError(
        n,
        `the file ends inside <${this.names[open[depth - 1]!]}> with ${depth} element(s) still open; it looks truncated`,
        this.openLines[depth - 1],
      );
    }
    if (!this.rootSeen) throw new XmlSyntaxError(n, 'no root element; expected an XML document');
    return n;
  }

  /** Name id and line of the start tag read last. */
  private lastName = 0;
  private lastLine = 0;
  /** The name id of the element closed last at the current depth (-1: none since its parent opened). */
  private prevSibling = -1;
  /**
   * The name expected next, + 1 (0: none yet): at 2 * id, that of the first child of an element named
   * names[id]; at 2 * id + 1, that of the sibling after one. Exports repeat their shapes (a rule's children
   * in one order, lists of <member>), so a start tag's name is mostly told by comparing it with one name.
   */
  private expected = new Int32Array(256);

  /** The id of the element name starting at `start` when it is the expected one, or -1. */
  private expectedName(start: number): number {
    const depth = this.open.length;
    const key = this.prevSibling >= 0 ? 2 * this.prevSibling + 1 : depth > 0 ? 2 * this.open[depth - 1]! : -1;
    const id = key >= 0 && key < this.expected.length ? this.expected[key]! - 1 : -1;
    if (id < 0) return -1;
    const end = start + this.nameLength[id]!;
    const text = this.text;
    // The name must end there: a name character or the end of the text after it means a longer name.
    if (end >= text.length || isNameChar(text.charCodeAt(end)) || !this.nameAt(text, start, id)) return -1;
    return id;
  }

  /** Remembers the element name seen where expectedName looked. */
  private expect(id: number): void {
    const depth = this.open.length;
    const key = this.prevSibling >= 0 ? 2 * this.prevSibling + 1 : depth > 0 ? 2 * this.open[depth - 1]! : -1;
    if (key < 0) return;
    if (key >= this.expected.length) {
      const grown = new Int32Array(Math.max(key + 1, 2 * this.expected.length));
      grown.set(this.expected);
      this.expected = grown;
    }
    this.expected[key] = id + 1;
  }

  /** Reads `</name S? >` closing the element at `depth - 1`; returns the position after it. */
  private endTag(h: XmlHandler, lt: number, depth: number): number {
    const text = this.text;
    const n = text.length;
    if (depth > 0) {
      // The usual case: the end tag names the open element and closes right after it.
      const id = this.open[depth - 1]!;
      const after = lt + 2 + this.nameLength[id]!;
      if (this.nameAt(text, lt + 2, id)) {
        let i = after;
        if (text.charCodeAt(i) === GT) {
          h.close(id, lt, i + 1);
          return i + 1;
        }
        while (i < n && isSpace(text.charCodeAt(i))) i++;
        if (i > after && text.charCodeAt(i) === GT) {
          h.close(id, lt, i + 1);
          return i + 1;
        }
      }
    }
    const nameStart = lt + 2;
    let i = nameStart;
    while (i < n && isNameChar(text.charCodeAt(i))) i++;
    const nameEnd = i;
    while (i < n && isSpace(text.charCodeAt(i))) i++;
    if (i >= n) this.truncated(lt, 'the file ends inside an end tag; it looks truncated');
    if (text.charCodeAt(i) !== GT || nameEnd === nameStart) {
      throw new XmlSyntaxError(i, `bad end tag: expected "</name>", found ${describeChar(text, i)}`);
    }
    const found = text.slice(nameStart, nameEnd);
    if (depth === 0) throw new XmlSyntaxError(lt, `end tag </${found}> has no matching start tag`);
    const name = this.names[this.open[depth - 1]!]!;
    throw new XmlSyntaxError(
      lt,
      `end tag </${found}> does not match the open element <${name}>; expected </${name}>`,
      this.openLines[depth - 1],
    );
  }

  /** Comments, CDATA sections and a DOCTYPE without internal subset. */
  private markupDeclaration(h: XmlHandler, lt: number, depth: number): number {
    const text = this.text;
    if (text.startsWith('<!--', lt)) {
      const close = text.indexOf('-->', lt + 4);
      if (close < 0) this.truncated(lt, 'a comment "<!--" is never closed; the file looks truncated');
      h.comment?.(lt + 4, close);
      this.skipReferencesBefore(close + 3);
      return close + 3;
    }
    if (text.startsWith('<![CDATA[', lt)) {
      if (depth === 0) throw new XmlSyntaxError(lt, 'a CDATA section outside the root element');
      const close = text.indexOf(']]>', lt + 9);
      if (close < 0) this.truncated(lt, 'a CDATA section is never closed; the file looks truncated');
      h.cdata?.(lt + 9, close);
      this.skipReferencesBefore(close + 3);
      return close + 3;
    }
    if (text.startsWith('<!DOCTYPE', lt)) {
      if (this.rootSeen || depth > 0)
        throw new XmlSyntaxError(lt, 'a DOCTYPE declaration after the root element');
      const close = text.indexOf('>', lt);
      if (close < 0) this.truncated(lt, 'the DOCTYPE declaration is never closed');
      if (indexIn(text, 91 /* [ */, lt, close) >= 0) {
        throw new XmlSyntaxError(lt, 'a DOCTYPE with an internal subset is not supported in a PAN-OS config');
      }
      this.skipReferencesBefore(close + 1);
      return close + 1;
    }
    const rest = text.slice(lt, lt + 9);
    if (lt + 9 > text.length && ['<!--', '<![CDATA[', '<!DOCTYPE'].some((m) => m.startsWith(rest))) {
      this.truncated(lt, 'the file ends inside a "<!" declaration; it looks truncated');
    }
    throw new XmlSyntaxError(lt, 'unexpected "<!"; expected a comment "<!--" or "<![CDATA["');
  }

  /** `<?target data?>`; the XML declaration only at the very start. */
  private instruction(h: XmlHandler, lt: number): number {
    const text = this.text;
    const close = text.indexOf('?>', lt + 2);
    if (close < 0) this.truncated(lt, 'a "<?" instruction is never closed; the file looks truncated');
    let i = lt + 2;
    while (i < close && isNameChar(text.charCodeAt(i))) i++;
    const target = text.slice(lt + 2, i);
    if (target === '' || !isNameStart(target.charCodeAt(0)) || (i < close && !isSpace(text.charCodeAt(i)))) {
      throw new XmlSyntaxError(lt, 'bad processing instruction; expected "<?target ...?>"');
    }
    if (target.toLowerCase() === 'xml' && (this.base + lt !== 0 || target !== 'xml')) {
      throw new XmlSyntaxError(
        lt,
        'the XML declaration "<?xml ...?>" may only stand at the very start of the file',
      );
    }
    h.processingInstruction?.(target, lt, close + 2);
    this.skipReferencesBefore(close + 2);
    return close + 2;
  }

  /**
   * Reads `<name (S attr S? = S? "value")* S? /?>`. Returns the position after it, negated for a
   * self-closing tag; the name id and line are left in `lastName` and `lastLine`.
   */
  private startTag(h: XmlHandler, lt: number): number {
    const text = this.text;
    const n = text.length;
    const nameStart = lt + 1;
    if (!isNameStart(text.charCodeAt(nameStart))) {
      if (nameStart >= n) this.truncated(lt, 'the file ends with "<"; it looks truncated');
      throw new XmlSyntaxError(
        lt,
        `expected an element name after "<", found ${describeChar(text, nameStart)}`,
      );
    }
    let id = this.expectedName(nameStart);
    let i: number;
    if (id >= 0) i = nameStart + this.nameLength[id]!;
    else {
      i = nameStart + 1;
      while (i < n && isNameChar(text.charCodeAt(i))) i++;
      if (i >= n && !this.final) throw NEED_MORE;
      id = this.intern(nameStart, i);
      this.expect(id);
    }
    const attrStart = i;
    let attrCount = 0;
    let selfClosing = false;
    let attrEnd: number;
    for (;;) {
      const beforeSpace = i;
      while (i < n && isSpace(text.charCodeAt(i))) i++;
      if (i >= n) {
        this.truncated(lt, `the file ends inside the start tag <${this.names[id]}>; it looks truncated`);
      }
      const ch = text.charCodeAt(i);
      if (ch === GT) {
        attrEnd = i;
        i++;
        break;
      }
      if (ch === SLASH) {
        if (text.charCodeAt(i + 1) !== GT) {
          if (i + 1 >= n) {
            this.truncated(lt, `the file ends inside the start tag <${this.names[id]}>; it looks truncated`);
          }
          throw new XmlSyntaxError(
            i,
            `bad start tag <${this.names[id]}>: expected "/>" or ">", found "/" alone`,
          );
        }
        attrEnd = i;
        selfClosing = true;
        i += 2;
        break;
      }
      if (i === beforeSpace || !isNameStart(ch)) {
        throw new XmlSyntaxError(
          i,
          `bad attribute syntax in <${this.names[id]}>: expected white space and name="value", found ${describeChar(text, i)}`,
        );
      }
      i = this.attribute(id, i, attrStart, attrCount++);
    }
    this.lastName = id;
    const line = this.lineAt(lt);
    this.lastLine = line;
    h.open(id, attrStart, attrEnd, lt, i, selfClosing, line);
    if (selfClosing) {
      h.close(id, i, i);
      return -i;
    }
    return i;
  }

  /** Checks one `name = "value"` starting at `i`; returns the position after its closing quote. */
  private attribute(elementId: number, i: number, attrStart: number, before: number): number {
    const text = this.text;
    const n = text.length;
    const element = this.names[elementId];
    const nameStart = i;
    while (i < n && isNameChar(text.charCodeAt(i))) i++;
    const nameEnd = i;
    while (i < n && isSpace(text.charCodeAt(i))) i++;
    if (i >= n && !this.final) throw NEED_MORE;
    if (text.charCodeAt(i) !== EQUALS) {
      throw new XmlSyntaxError(
        i,
        `bad attribute syntax in <${element}>: expected "=" after ${text.slice(nameStart, nameEnd)}, found ${describeChar(text, i)}`,
      );
    }
    i++;
    while (i < n && isSpace(text.charCodeAt(i))) i++;
    if (i >= n && !this.final) throw NEED_MORE;
    const quote = text.charCodeAt(i);
    if (quote !== DQUOTE && quote !== SQUOTE) {
      throw new XmlSyntaxError(
        i,
        `bad attribute syntax in <${element}>: the value of ${text.slice(nameStart, nameEnd)} must be quoted, found ${describeChar(text, i)}`,
      );
    }
    const valueEnd = text.indexOf(quote === DQUOTE ? '"' : "'", i + 1);
    if (valueEnd < 0) {
      this.truncated(
        i,
        `the value of ${text.slice(nameStart, nameEnd)} in <${element}> is never closed; the file looks truncated`,
      );
    }
    const lt = indexIn(text, LT, i + 1, valueEnd);
    if (lt >= 0) throw new XmlSyntaxError(lt, 'a "<" inside an attribute value; write it as &lt;');
    if (this.nextAmp >= 0 && this.nextAmp < valueEnd) this.checkReferences(i + 1, valueEnd);
    if (before > 0) this.checkDuplicate(element!, attrStart, nameStart, nameEnd);
    return valueEnd + 1;
  }

  /** Throws if the attribute named text[nameStart, nameEnd) already appeared since `attrStart`. */
  private checkDuplicate(element: string, attrStart: number, nameStart: number, nameEnd: number): void {
    const text = this.text;
    const name = text.slice(nameStart, nameEnd);
    if (findAttribute(text, attrStart, nameStart, name) !== undefined) {
      throw new XmlSyntaxError(nameStart, `attribute ${name} appears twice in <${element}>`);
    }
  }
}

/** Tokenizes `text` with `h`; returns the scanner (for its name table). */
export function scanXml(text: string, h: XmlHandler): XmlScanner {
  const scanner = new XmlScanner(text);
  scanner.scan(h);
  return scanner;
}
