import type { Statement } from './tokenizer.js';

/** One `config <table>` ... `end` of a scope, where its lines are in the file. */
export interface TableSpan {
  /** Line of `config <table>`. */
  configLine: number;
  /** Line of the `end` that closes it. */
  endLine: number;
  /** `edit` lines of its entries, by entry name (the first `edit` of a name in this span). */
  edits: Map<string, number>;
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
}

const REORDER = new Set(['move', 'delete', 'purge', 'rename']);

/**
 * The lines of every scope-level table (the file's top level without VDOMs, or a VDOM's `config vdom` /
 * `edit <vdom>` section): what the fix needs to insert text at the right place. It is built from the
 * statements of `text` as the reader's own tokenizer hands them over to the tree's pass (`visit`, called
 * with each before the tree sees it), so quoted values spanning lines and CLI prompt lines are taken as
 * it takes them and the text is tokenized once; the file has already been read by the reader, so its
 * nesting is sound.
 */
export function layoutReader(text: string): {
  visit: (s: Statement) => void;
  layout: FileLayout;
} {
  // Where each line starts: a few lines' indentation is read, so the text is not split into lines.
  const starts: number[] = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  const indentOf = (line: number) => {
    const at = starts[line - 1];
    if (at === undefined) return '';
    let end = at;
    while (text.charCodeAt(end) === 32 || text.charCodeAt(end) === 9) end++;
    return text.slice(at, end);
  };
  const layout: FileLayout = new Map();
  const stack: Frame[] = [];
  const scopeOf = (): string | undefined => {
    if (stack.length === 0) return '';
    if (stack.length === 2 && stack[0]!.name === 'vdom' && stack[1]!.kind === 'entry') return stack[1]!.name;
    return undefined;
  };
  const visit = (s: Statement): void => {
    const [verb, ...rest] = s.words;
    const top = stack[stack.length - 1];
    switch (verb) {
      case 'config': {
        const name = rest.join(' ');
        const scope = scopeOf();
        let span: TableSpan | undefined;
        if (scope !== undefined && name !== 'vdom' && name !== 'global') {
          span = {
            configLine: s.line,
            endLine: 0,
            edits: new Map(),
            reorders: false,
            indent: { config: indentOf(s.line) },
          };
          const tables = layout.get(scope) ?? new Map<string, TableSpan[]>();
          layout.set(scope, tables);
          tables.set(name, [...(tables.get(name) ?? []), span]);
        }
        stack.push({ kind: 'block', name, ...(span ? { span } : {}) });
        return;
      }
      case 'edit': {
        const name = rest[0] ?? '';
        if (top?.span && !top.span.edits.has(name)) {
          top.span.edits.set(name, s.line);
          top.span.indent.edit ??= indentOf(s.line);
        }
        stack.push({ kind: 'entry', name, ...(top?.span ? { span: top.span } : {}) });
        return;
      }
      case 'set':
        if (top?.kind === 'entry' && top.span && stack[stack.length - 2]?.span === top.span) {
          top.span.indent.set ??= indentOf(s.line);
        }
        return;
      case 'next':
        if (top?.kind === 'entry') stack.pop();
        return;
      case 'end': {
        if (top?.kind === 'entry') stack.pop();
        const block = stack.pop();
        if (block?.span && block.kind === 'block') block.span.endLine = s.line;
        return;
      }
      default:
        if (verb !== undefined && REORDER.has(verb) && top?.kind === 'block' && top.span)
          top.span.reorders = true;
    }
  };
  return { visit, layout };
}
