import type { Edit, FixRequest } from '../../remediate/types.js';
import { normalizeHost } from '../../model/names.js';
import { parseXmlDocument, type XmlDocument, type XmlElement } from '../panos/xml-tree.js';
import { readAliases, type AliasDef } from './aliases.js';
import { indentBlock, indentOf, uuidFor, xmlText } from './fix-xml.js';

/** The aliases a fix may reuse or add, and where new ones go. */
export class FixAliases {
  readonly doc: XmlDocument;
  private readonly defs: AliasDef[];
  readonly edits: Edit[] = [];
  readonly notes: string[] = [];
  /** Names taken, including those earlier fixes of this run add. */
  private readonly taken = new Set<string>();
  private readonly lines: string[];
  /** What this fix already asked for (a fix is written in rounds, one per stage that denies). */
  private readonly made = new Map<string, string | { unfixable: string }>();

  constructor(private readonly req: FixRequest) {
    const file = req.files[0]!;
    this.doc = parseXmlDocument(file);
    this.defs = readAliases(this.doc, this.doc.root);
    this.lines = file.text.split('\n');
    for (const d of this.defs) this.taken.add(d.name);
    for (const f of req.earlier)
      for (const e of f.edits)
        for (const m of e.insert.matchAll(/<name>([^<]+)<\/name>/g)) this.taken.add(m[1]!);
  }

  /** An alias of `type` whose entries are exactly `entries` (names compared case-insensitively). */
  private find(type: string, entries: readonly string[]): string | undefined {
    const key = (xs: readonly string[]) => [...new Set(xs.map((x) => normalizeHost(x)))].sort().join(' ');
    const want = key(entries);
    const types = type === 'network' ? ['network', 'host'] : [type];
    const hit = this.defs.find((d) => d.enabled && types.includes(d.type) && key(d.entries) === want);
    if (hit) return hit.name;
    for (const f of this.req.earlier)
      for (const e of f.edits) {
        const m =
          /<name>([^<]+)<\/name>[\s\S]*?<type>([^<]+)<\/type>[\s\S]*?<(?:address|content)>([^<]*)</.exec(
            e.insert,
          );
        if (m && m[2] === type && key(m[3]!.split(/\s+/).filter(Boolean)) === want) return m[1]!;
      }
    return undefined;
  }

  private freeName(base: string): string {
    let name = base;
    for (let n = 2; this.taken.has(name); n++) name = `${base}_${n}`;
    this.taken.add(name);
    return name;
  }

  /** Where a new alias goes: before the closing tag of the aliases list the product reads. */
  private container(): { line: number; pad: string; step: string; mvc: boolean } | string {
    const { doc } = this;
    const opn = this.req.policy.format === 'opnsense';
    const mvc = doc.select(doc.root, 'OPNsense', 'Firewall', 'Alias', 'aliases');
    const legacy = doc.child(doc.root, 'aliases');
    const list: XmlElement | undefined = opn ? mvc : legacy;
    if (list === undefined) {
      if (opn) return 'the file has no <OPNsense><Firewall><Alias><aliases> list to add the alias to';
      const rootEnd = doc.lineAt(doc.endOffset(doc.root) - 1);
      const { step } = indentOf(this.lines.find((l) => /^\s+</.test(l)) ?? '\t');
      return { line: rootEnd, pad: step, step, mvc: false, ...{ wrap: true } };
    }
    const open = doc.lineOf(list);
    const close = doc.lineAt(doc.endOffset(list) - 1);
    if (close === open) return `<aliases> at line ${open} is written on one line; add the alias by hand`;
    const { pad, step } = indentOf(this.lines[open - 1]!);
    return { line: close, pad: pad + step, step, mvc: opn };
  }

  /** An alias holding `entries` (reused when one matches exactly), or why none can be written. */
  alias(
    type: 'host' | 'network',
    base: string,
    entries: readonly string[],
    descr: string,
  ): string | { unfixable: string } {
    const key = `${type}|${entries.join(' ')}`;
    const made = this.made.get(key);
    if (made !== undefined) return made;
    const result = this.make(type, base, entries, descr);
    this.made.set(key, result);
    return result;
  }

  private make(
    type: 'host' | 'network',
    base: string,
    entries: readonly string[],
    descr: string,
  ): string | { unfixable: string } {
    const existing = this.find(type, entries);
    if (existing) {
      this.notes.push(`reuses alias "${existing}"`);
      return existing;
    }
    const where = this.container();
    if (typeof where === 'string') return { unfixable: where };
    const name = this.freeName(base);
    const body = where.mvc
      ? [
          `<alias uuid="${uuidFor(name)}">`,
          '\t<enabled>1</enabled>',
          `\t<name>${name}</name>`,
          `\t<type>${type}</type>`,
          '\t<proto/>',
          '\t<interface/>',
          '\t<counters>0</counters>',
          '\t<updatefreq/>',
          `\t<content>${entries.map(xmlText).join('\n')}</content>`,
          '\t<categories/>',
          `\t<description>${xmlText(descr)}</description>`,
          '</alias>',
        ]
      : [
          '<alias>',
          `\t<name>${name}</name>`,
          `\t<type>${type}</type>`,
          `\t<address>${entries.map(xmlText).join(' ')}</address>`,
          `\t<descr><![CDATA[${descr.replace(/]]>/g, ']]]]><![CDATA[>')}]]></descr>`,
          '</alias>',
        ];
    const wrapped = 'wrap' in where ? ['<aliases>', ...body.map((l) => `\t${l}`), '</aliases>'] : body;
    // The content of an MVC alias's <content> spans lines: its entries must not be indented.
    const text = indentBlock(wrapped, where.pad, where.step).replace(
      /(<content>)([^<]*)(<\/content>)/,
      (_m, a: string, c: string, b: string) => a + c.replace(/\n[ \t]*/g, '\n') + b,
    );
    this.edits.push({ path: this.req.files[0]!.path, line: where.line, insert: text });
    this.notes.push(`adds ${type} alias "${name}" (${entries.join(', ')})`);
    return name;
  }
}
