/**
 * Lines collected under a size limit, with room kept for what must come after them (a truncation note,
 * a footer). `measure` says how the limit counts: UTF-16 units for comment bodies, UTF-8 bytes for the
 * job summary.
 */
export class BoundedLines {
  private readonly lines: string[] = [];
  private used = 0;

  constructor(
    private readonly limit: number,
    private readonly measure: (s: string) => number,
  ) {}

  /** Adds the line if it and `reserve` more still fit; says whether it did. */
  add(line: string, reserve = 0): boolean {
    const size = this.measure(line) + 1;
    if (this.used + size + reserve > this.limit) return false;
    this.lines.push(line);
    this.used += size;
    return true;
  }

  /** Adds lines in order until one does not fit; returns how many were added. */
  addAll(lines: readonly string[], reserve = 0): number {
    let n = 0;
    while (n < lines.length && this.add(lines[n]!, reserve)) n++;
    return n;
  }

  get size(): number {
    return this.used;
  }

  text(): string {
    return `${this.lines.join('\n')}\n`;
  }
}

export const utf16Length = (s: string): number => s.length;
export const utf8Length = (s: string): number => Buffer.byteLength(s, 'utf8');

/** Shortens raw (unescaped) text to `max` characters, marking the cut. */
export function clip(s: string, max: number): string {
  if (s.length <= max) return s;
  let end = max - 1;
  // Never split a surrogate pair.
  if (/[\ud800-\udbff]/.test(s.charAt(end - 1))) end--;
  return `${s.slice(0, end)}…`;
}
