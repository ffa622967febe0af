/**
 * Glob patterns as the `config` input takes them: `*` and `?` within a path segment, `**` for any number
 * of directories, `[abc]` classes and `{a,b}` alternatives. Names starting with `.` match only a pattern
 * segment that starts with `.` too, so `**\/*.yml` does not pick up `.github/`.
 */

const GLOB_CHARS = /[*?[{]/;

export function isGlob(pattern: string): boolean {
  return GLOB_CHARS.test(pattern);
}

/** Expands `{a,b}` alternatives (nested too) into plain patterns. */
export function expandBraces(pattern: string): string[] {
  const open = pattern.indexOf('{');
  if (open < 0) return [pattern];
  let depth = 0;
  const commas: number[] = [];
  let close = -1;
  for (let i = open; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '{') depth++;
    else if (c === '}' && --depth === 0) {
      close = i;
      break;
    } else if (c === ',' && depth === 1) commas.push(i);
  }
  if (close < 0) return [pattern];
  const bounds = [open, ...commas, close];
  const head = pattern.slice(0, open);
  const rest = expandBraces(pattern.slice(close + 1));
  const out: string[] = [];
  for (let k = 0; k + 1 < bounds.length; k++) {
    for (const alt of expandBraces(pattern.slice(bounds[k]! + 1, bounds[k + 1]))) {
      for (const r of rest) out.push(head + alt + r);
    }
  }
  return out;
}

function segmentRegex(segment: string): RegExp {
  let re = '';
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i]!;
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = segment.indexOf(']', i + 2);
      if (end < 0) re += '\\[';
      else {
        let body = segment.slice(i + 1, end);
        const negate = body.startsWith('!') || body.startsWith('^');
        if (negate) body = body.slice(1);
        re += `[${negate ? '^' : ''}${body.replace(/[\\\]^]/g, '\\$&')}]`;
        i = end;
      }
    } else re += c.replace(/[.+^$()|\\{}]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/** One path segment's matcher, or `**`. */
export type SegmentMatcher = '**' | { test(name: string): boolean };

/** Splits a brace-free pattern into per-segment matchers. */
export function compileSegments(pattern: string): SegmentMatcher[] {
  return pattern
    .split('/')
    .filter((s) => s !== '' && s !== '.')
    .map((s): SegmentMatcher => {
      if (s === '**') return '**';
      const re = segmentRegex(s);
      const dotOk = s.startsWith('.');
      return { test: (name: string) => (dotOk || !name.startsWith('.')) && re.test(name) };
    });
}

/** Whether a relative path (segments) matches compiled segments. */
export function matchSegments(matchers: readonly SegmentMatcher[], parts: readonly string[]): boolean {
  const go = (m: number, p: number): boolean => {
    if (m === matchers.length) return p === parts.length;
    const matcher = matchers[m]!;
    if (matcher === '**') {
      for (let k = p; k <= parts.length; k++) {
        if (k > p && parts[k - 1]!.startsWith('.')) break;
        if (go(m + 1, k)) return true;
      }
      return false;
    }
    return p < parts.length && matcher.test(parts[p]!) && go(m + 1, p + 1);
  };
  return go(0, 0);
}
