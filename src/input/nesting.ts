/**
 * How deep parsed input may nest. Readers walk documents recursively, so an input nested thousands of
 * levels deep would overflow the stack; a bound refuses it as bad input first. No firewall export nests
 * near this deep (an ARM template with nested deployments reaches about 30 levels); js-yaml's own limit
 * is the same number.
 */
export const MAX_NESTING = 100;

export const nestingMessage = (limit = MAX_NESTING) =>
  `nested more than ${limit} levels deep (the most this tool reads)`;

const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const SLASH = 0x2f;
const STAR = 0x2a;
const NEWLINE = 0x0a;

/**
 * The offset of the first `{` or `[` of JSON text (comments allowed) that opens a level deeper than
 * `limit`, or -1. One pass, no recursion: run before a recursive parser sees the text.
 */
export function jsonTooDeepAt(text: string, limit = MAX_NESTING): number {
  let depth = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (++depth > limit) return i;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      if (depth > 0) depth--;
    } else if (c === QUOTE) {
      for (i++; i < n; i++) {
        const s = text.charCodeAt(i);
        if (s === BACKSLASH) i++;
        else if (s === QUOTE || s === NEWLINE) break;
      }
    } else if (c === SLASH && text.charCodeAt(i + 1) === SLASH) {
      const end = text.indexOf('\n', i);
      i = end < 0 ? n : end;
    } else if (c === SLASH && text.charCodeAt(i + 1) === STAR) {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? n : end + 1;
    }
  }
  return -1;
}

const depthCache = new WeakMap<object, number>();

/**
 * Whether a JSON-like value (arrays and plain objects) nests deeper than `limit`. Iterative; depths of
 * shared parts are remembered, so a value built from another checked one costs only its new parts.
 */
export function nestsDeeperThan(value: unknown, limit = MAX_NESTING): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const stack: { node: object; children: unknown[]; next: number; max: number }[] = [];
  const push = (node: object) => stack.push({ node, children: Object.values(node), next: 0, max: 0 });
  push(value);
  while (stack.length > 0) {
    if (stack.length > limit) return true;
    const top = stack[stack.length - 1]!;
    if (top.next < top.children.length) {
      const child = top.children[top.next++];
      if (typeof child !== 'object' || child === null) continue;
      const known = depthCache.get(child);
      if (known === undefined) push(child);
      else if (known + stack.length > limit) return true;
      else top.max = Math.max(top.max, known);
      continue;
    }
    stack.pop();
    const depth = top.max + 1;
    depthCache.set(top.node, depth);
    const parent = stack[stack.length - 1];
    if (parent) parent.max = Math.max(parent.max, depth);
  }
  return false;
}
