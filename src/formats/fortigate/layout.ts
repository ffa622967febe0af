import type { Statement } from './tokenizer.js';

/** One `config <table>` ... `end` of a scope, where its lines are in the file. */
export interface TableSpan {
  /** Line of `config <table>`. */
  configLine: number;
  /** Line of the `end` that closes it. */
  endLine: number;
  /** Whether it reorders or drops entries (`move`, `delete`, `purge`, `rename`): file order isn't table order. */
  reorders: boolean;
  /** Indentation of the `config` line, of its entries' `edit` lines and of their `set` lines, as written. */
  indent: { config: string; edit?: string; set?: string };
}

/** Where a file's tables are, per scope ('' without VDOMs, else the VDOM name), by path ("firewall policy"). */
export type FileLayout = Map<string, Map<string, TableSpan[]>>;

interface Frame {
  kind: 'block' | 'entry';
  name: string;
  span?: TableSpan;
  /** For a scope-level table: its scope's and its own name. */
  table?: string;
}

const REORDER = new Set(['move', 'delete', 'purge', 'rename']);

/**
 * Tables whose entries a fix may reuse only without a malformed value in any setting (fix-objects.ts);
 * the reader skips most of their settings unread, so which have one is noted here as they stream by.
 */
const CLEAN_TABLES = new Set(['firewall address', 'firewall address6']);

/** `#config-version=FGT60F-7.2.5-FW-...`: the FortiOS major and minor version. */
const VERSION = /^#config-version=[^-\r\n]*-(\d+)\.(\d+)\./;

/**
 * What the fix writer needs of the text itself, noted from the statements as the reader's tokenizer hands
 * them over (remediation never reads the export again): the lines and indentation of every scope-level
 * table (the file's top level without VDOMs, or a VDOM's `config vdom` / `edit <vdom>` section), the
 * version in the header, and which address objects hold a malformed value. The reader has checked the
 * nesting as it went, so it is sound here.
 */
export class LayoutRecorder {
  readonly layout: FileLayout = new Map();
  version: [number, number] | undefined = undefined;
  /** Per scope and table ("\0"-joined), the entries with malformed settings, and those settings' keys. */
  private readonly dirty = new Map<string, Map<string, Set<string>>>();
  private readonly stack: Frame[] = [];

  /**
   * Whether an entry of a scope's table holds a malformed value (for CLEAN_TABLES only): a test by entry
   * name, made once per table.
   */
  malformedIn(scope: string, table: string): (name: string) => boolean {
    const dirty = this.dirty.get(`${scope}\0${table}`);
    if (!dirty) return () => false;
    return (name) => (dirty.get(name)?.size ?? 0) > 0;
  }

  readonly header = (line: string): void => {
    if (this.version) return;
    const m = VERSION.exec(line);
    if (m) this.version = [Number(m[1]), Number(m[2])];
  };

  private scopeOf(): string | undefined {
    const stack = this.stack;
    if (stack.length === 0) return '';
    if (stack.length === 2 && stack[0]!.name === 'vdom' && stack[1]!.kind === 'entry') return stack[1]!.name;
    return undefined;
  }

  readonly statement = (s: Statement, indent: () => string): void => {
    const words = s.words;
    const verb = words[0];
    const stack = this.stack;
    const top = stack[stack.length - 1];
    switch (verb) {
      case 'config': {
        const name = words.length === 2 ? words[1]! : words.slice(1).join(' ');
        const scope = this.scopeOf();
        let span: TableSpan | undefined;
        if (scope !== undefined && name !== 'vdom' && name !== 'global') {
          span = { configLine: s.line, endLine: 0, reorders: false, indent: { config: indent() } };
          const tables = this.layout.get(scope) ?? new Map<string, TableSpan[]>();
          this.layout.set(scope, tables);
          const spans = tables.get(name);
          if (spans) spans.push(span);
          else tables.set(name, [span]);
        }
        const frame: Frame = { kind: 'block', name };
        if (span) {
          frame.span = span;
          if (CLEAN_TABLES.has(name)) frame.table = `${scope}\0${name}`;
        }
        stack.push(frame);
        return;
      }
      case 'edit': {
        const frame: Frame = { kind: 'entry', name: words[1] ?? '' };
        if (top?.span) {
          frame.span = top.span;
          top.span.indent.edit ??= indent();
          if (top.table !== undefined) frame.table = top.table;
        }
        stack.push(frame);
        return;
      }
      case 'next':
        if (top?.kind === 'entry') stack.pop();
        return;
      case 'end': {
        if (top?.kind === 'entry') stack.pop();
        const block = stack.pop();
        if (block?.span && block.kind === 'block') block.span.endLine = s.line;
        return;
      }
      case undefined:
        return;
      default:
        if (top?.kind === 'entry') {
          if (
            top.span &&
            top.span.indent.set === undefined &&
            verb === 'set' &&
            stack[stack.length - 2]?.span
          )
            top.span.indent.set = indent();
          if (top.table !== undefined) this.noteValue(top, s, verb);
        } else if (top?.span && REORDER.has(verb)) {
          top.span.reorders = true;
          if (top.table !== undefined) this.noteTable(top.table, words, verb);
        }
    }
  };

  /**
   * Keeps which settings of an entry are malformed as the tree would hold them: a malformed value marks
   * its key, `set`/`select` of a readable one or `unset`/`clear` clears it, `append`/`unselect` keep it.
   */
  private noteValue(entry: Frame, s: Statement, verb: string): void {
    const key = s.words[1];
    if (key === undefined) return;
    const table = this.dirty.get(entry.table!);
    if (s.malformed && (verb === 'set' || verb === 'select' || verb === 'append')) {
      const t = table ?? new Map<string, Set<string>>();
      this.dirty.set(entry.table!, t);
      const keys = t.get(entry.name) ?? new Set<string>();
      t.set(entry.name, keys);
      keys.add(key);
      return;
    }
    if (verb === 'set' || verb === 'select' || verb === 'unset' || verb === 'clear')
      table?.get(entry.name)?.delete(key);
  }

  /** `delete`, `purge` and `rename` drop or move an entry's marks with it. */
  private noteTable(id: string, words: readonly string[], verb: string): void {
    const table = this.dirty.get(id);
    if (!table) return;
    if (verb === 'purge') table.clear();
    else if (verb === 'delete' && words[1] !== undefined) table.delete(words[1]);
    else if (verb === 'rename' && words[1] !== undefined && words[3] !== undefined) {
      const keys = table.get(words[1]);
      table.delete(words[1]);
      if (keys) table.set(words[3], keys);
    }
  }
}
