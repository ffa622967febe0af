import yaml from 'js-yaml';
import { parseTree, printParseErrorCode, type Node as JsonNode, type ParseError } from 'jsonc-parser';
import { InputError } from './input-error.js';
import { LineIndex, type InputFile } from './input-file.js';
import { jsonTooDeepAt, MAX_NESTING, nestingMessage } from './nesting.js';
import { oddNumberLiteral } from './number-literal.js';

export type DocPath = readonly (string | number)[];

/** Line numbers of a parsed document's nodes, found by path (`['rules', 3, 'sources', 0]`). */
interface PosNode {
  line: number;
  /** Mapping keys and sequence indexes to child nodes. */
  children: Map<string | number, PosNode>;
  /** A number's source text (`0x50`, `80.0`, `-0`), kept to say what an odd one is. */
  number?: string;
}

/** A node's line and its children as plain JSON: `[line, [[key, child], ...]]`. */
type PosSnapshot = [number, [string | number, PosSnapshot][]?];

/** A parsed document as plain JSON, made at build time so that start-up needn't parse YAML. */
export interface DocumentSnapshot {
  path: string;
  value: unknown;
  root: PosSnapshot;
}

function snapshotOf(node: PosNode): PosSnapshot {
  if (node.children.size === 0) return [node.line];
  return [node.line, [...node.children].map(([k, c]) => [k, snapshotOf(c)])];
}

function nodeOf([line, children]: PosSnapshot): PosNode {
  return { line, children: new Map((children ?? []).map(([k, c]) => [k, nodeOf(c)])) };
}

/** A parsed YAML or JSON document that can say on which line any of its values stands. */
export class PositionedDocument {
  constructor(
    readonly path: string,
    readonly value: unknown,
    private readonly root: PosNode,
  ) {}

  static fromSnapshot(s: DocumentSnapshot): PositionedDocument {
    return new PositionedDocument(s.path, s.value, nodeOf(s.root));
  }

  snapshot(): DocumentSnapshot {
    return { path: this.path, value: this.value, root: snapshotOf(this.root) };
  }

  /** How the number at `at` is written in the file, where the file was parsed (not a snapshot). */
  numberSource(at: DocPath): string | undefined {
    let node: PosNode | undefined = this.root;
    for (const key of at) node = node?.children.get(key);
    return node?.number;
  }

  /** The line of the deepest node along `at` that exists (the whole path, where it does). */
  lineAt(at: DocPath): number {
    let node = this.root;
    for (const key of at) {
      const next = node.children.get(key);
      if (!next) break;
      node = next;
    }
    return node.line;
  }

  error(at: DocPath, message: string): InputError {
    return new InputError(this.path, this.lineAt(at), message);
  }
}

/** `rules[3].sources[0]`, the way users read a position in a document. */
export function formatDocPath(at: DocPath): string {
  let out = '';
  for (const k of at) out += typeof k === 'number' ? `[${k}]` : out === '' ? k : `.${k}`;
  return out || '(document)';
}

/** js-yaml's nesting limit (its default, stated so it stays ours); its typings don't list the option. */
const YAML_LIMITS = { maxDepth: MAX_NESTING };

interface Frame {
  line: number;
  start: number;
  end: number;
  kind: string | null;
  result: unknown;
  children: Frame[];
}

/**
 * Parses YAML with js-yaml, recording each node's line through its `listener` hook: every node opens
 * and closes in document order, so a mapping's children arrive as key, value, key, value ...
 */
export function parseYamlDocument(file: InputFile): PositionedDocument {
  const stack: Frame[] = [{ line: 0, start: 0, end: 0, kind: null, result: undefined, children: [] }];
  let value: unknown;
  try {
    value = yaml.load(file.text, {
      filename: file.path,
      ...YAML_LIMITS,
      listener(event, state) {
        if (event === 'open') {
          stack.push({
            line: state.line,
            start: state.position,
            end: state.position,
            kind: null,
            result: undefined,
            children: [],
          });
        } else {
          const frame = stack.pop()!;
          frame.kind = state.kind;
          frame.result = state.result;
          frame.end = state.position;
          stack[stack.length - 1]!.children.push(frame);
        }
      },
    });
  } catch (e) {
    if (e instanceof yaml.YAMLException) throw yamlError(file, e);
    throw e;
  }
  const top = stack[0]!.children[0];
  return new PositionedDocument(
    file.path,
    value,
    top ? toPosNode(top, file.text) : { line: 1, children: new Map() },
  );
}

function yamlError(file: InputFile, e: yaml.YAMLException): InputError {
  if (!e.mark && /single document/.test(e.reason)) {
    return new InputError(
      file.path,
      secondDocumentLine(file.text),
      'invalid YAML: a second document starts here; expected a single document',
    );
  }
  const reason = /maxDepth/.test(e.reason) ? nestingMessage() : e.reason;
  return new InputError(file.path, e.mark ? e.mark.line + 1 : undefined, `invalid YAML: ${reason}`);
}

/**
 * Where a multi-document stream's second document starts (js-yaml doesn't say): the line of the `---`
 * that opens it, else the line its first node stands on.
 */
function secondDocumentLine(text: string): number | undefined {
  const roots: number[] = [];
  let depth = 0;
  try {
    yaml.loadAll(text, () => undefined, {
      ...YAML_LIMITS,
      listener(event, state) {
        if (event === 'open' && depth++ === 0) roots.push(state.line);
        else if (event === 'close') depth--;
      },
    });
  } catch {
    // A later document may be bad too; the roots seen so far are enough.
  }
  const root = roots[1];
  if (root === undefined) return undefined;
  const lines = text.split('\n', root + 1);
  for (let i = root; i > roots[0]!; i--) if (/^---(?:\s|$)/.test(lines[i] ?? '')) return i + 1;
  return root + 1;
}

function toPosNode(frame: Frame, text: string): PosNode {
  // A flow collection inside a block one is reported twice, the outer frame wrapping the same result.
  while (
    frame.children.length === 1 &&
    frame.children[0]!.result === frame.result &&
    frame.kind !== 'scalar'
  ) {
    frame = frame.children[0]!;
  }
  const node: PosNode = { line: frame.line + 1, children: new Map() };
  if (typeof frame.result === 'number') node.number = text.slice(frame.start, frame.end).trim();
  if (frame.kind === 'mapping') {
    for (let i = 0; i + 1 < frame.children.length; i += 2) {
      const key = frame.children[i]!;
      node.children.set(String(key.result), toPosNode(frame.children[i + 1]!, text));
    }
  } else if (frame.kind === 'sequence') {
    frame.children.forEach((child, i) => node.children.set(i, toPosNode(child, text)));
  }
  return node;
}

/** Parses JSON (comments and trailing commas allowed, as in ARM templates) with jsonc-parser. */
export function parseJsonDocument(file: InputFile): PositionedDocument {
  // The parser and the walks below recurse once per level.
  const deep = jsonTooDeepAt(file.text);
  if (deep >= 0)
    throw new InputError(
      file.path,
      new LineIndex(file.text).lineOf(deep),
      `invalid JSON: ${nestingMessage()}`,
    );
  const errors: ParseError[] = [];
  const tree = parseTree(file.text, errors, { allowTrailingComma: true, disallowComments: false });
  const lines = new LineIndex(file.text);
  const first = errors[0];
  if (first || !tree) {
    const line = first ? lines.lineOf(first.offset) : 1;
    const what = first ? jsonErrorText(file.text, first) : 'no JSON value';
    throw new InputError(file.path, line, `invalid JSON: ${what}`);
  }
  return new PositionedDocument(
    file.path,
    jsonValue(tree, file.path, lines),
    jsonPos(tree, lines, file.text),
  );
}

const NUMBER_CHAR = /[\w.+-]/;

/** A parse error's reason; a number JSON can't hold (080, NaN, 0x50, +80) is named as what it is. */
function jsonErrorText(text: string, e: ParseError): string {
  let from = e.offset;
  let to = e.offset + e.length;
  while (from > 0 && NUMBER_CHAR.test(text[from - 1]!)) from--;
  while (to < text.length && NUMBER_CHAR.test(text[to]!)) to++;
  const word = text.slice(from, to);
  const odd = /^[-+]?(\.?\d|\.?nan$|infinity$)/i.test(word) ? oddNumberLiteral(word) : undefined;
  if (odd) return `${odd}; a JSON number is a plain decimal like 443`;
  return printParseErrorCode(e.error);
}

/** Builds the value, refusing duplicate keys (as YAML does) and keeping `__proto__` an ordinary key. */
function jsonValue(node: JsonNode, path: string, lines: LineIndex): unknown {
  switch (node.type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const prop of node.children ?? []) {
        const [k, v] = prop.children ?? [];
        if (!k || !v) continue;
        const key = String(k.value);
        if (Object.hasOwn(out, key)) {
          throw new InputError(path, lines.lineOf(k.offset), `invalid JSON: duplicate key "${key}"`);
        }
        Object.defineProperty(out, key, {
          value: jsonValue(v, path, lines),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      return out;
    }
    case 'array':
      return (node.children ?? []).map((c) => jsonValue(c, path, lines));
    default:
      return node.value;
  }
}

function jsonPos(node: JsonNode, lines: LineIndex, text: string): PosNode {
  const pos: PosNode = { line: lines.lineOf(node.offset), children: new Map() };
  if (node.type === 'number') pos.number = text.slice(node.offset, node.offset + node.length);
  if (node.type === 'object') {
    for (const prop of node.children ?? []) {
      const [k, v] = prop.children ?? [];
      if (k && v) pos.children.set(String(k.value), jsonPos(v, lines, text));
    }
  } else if (node.type === 'array') {
    (node.children ?? []).forEach((c, i) => pos.children.set(i, jsonPos(c, lines, text)));
  }
  return pos;
}

/** JSON when the first significant character opens an object or array, YAML otherwise. */
export function parseStructuredDocument(file: InputFile): PositionedDocument {
  const first = file.text.match(/^\s*(?:\/\/[^\n]*\n\s*|\/\*[\s\S]*?\*\/\s*)*(.)/)?.[1];
  return first === '{' || first === '[' ? parseJsonDocument(file) : parseYamlDocument(file);
}
