import {
  ANY_ADDRESS,
  ipsExpr,
  nameExpr,
  unionExpr,
  unknownExpr,
  type AddressExpr,
} from '../../model/address.js';
import { AddressSyntaxError, parseIpSpec } from '../../model/ip.js';
import type { SourceLocation, UnknownPart } from '../../model/location.js';
import { isValidHostName, normalizeHost } from '../../model/names.js';
import type { PortRange } from '../../model/service.js';
import type { XmlDocument, XmlElement } from '../panos/xml-tree.js';
import { parsePortSpec } from './ports.js';

/** An alias as the config defines it (legacy `<aliases><alias>` or OPNsense's MVC `<Alias><aliases>`). */
export interface AliasDef {
  name: string;
  type: string;
  entries: string[];
  enabled: boolean;
  location: SourceLocation;
  /** The element the alias's content is in, for a fix that reads it. */
  mvc: boolean;
}

/** Address aliases whose entries the firewall expands (OPNsense's networkgroup nests network aliases). */
const ADDRESS_TYPES = new Set(['host', 'network', 'networkgroup']);

export function readAliases(doc: XmlDocument, root: XmlElement): AliasDef[] {
  const out: AliasDef[] = [];
  const at = (el: XmlElement): SourceLocation => ({ path: doc.path, line: doc.lineOf(el) });
  // Legacy (pfSense, older OPNsense): entries separated by spaces.
  for (const el of doc.childrenNamed(doc.child(root, 'aliases'), 'alias')) {
    const name = doc.childText(el, 'name');
    if (!name) continue;
    out.push({
      name,
      type: (doc.childText(el, 'type') ?? '').toLowerCase(),
      entries: (doc.childText(el, 'address') ?? '').split(/\s+/).filter(Boolean),
      enabled: true,
      location: at(el),
      mvc: false,
    });
  }
  // OPNsense MVC: <OPNsense><Firewall><Alias><aliases><alias uuid>, entries one per line.
  const mvc = doc.select(root, 'OPNsense', 'Firewall', 'Alias', 'aliases');
  for (const el of doc.childrenNamed(mvc, 'alias')) {
    const name = doc.childText(el, 'name');
    if (!name) continue;
    const enabled = doc.childText(el, 'enabled');
    out.push({
      name,
      type: (doc.childText(el, 'type') ?? '').toLowerCase(),
      entries: (doc.childText(el, 'content') ?? '')
        .split(/[\n,]+/)
        .map((s) => s.trim())
        .filter(Boolean),
      enabled: enabled === undefined || enabled !== '0',
      location: at(el),
      mvc: true,
    });
  }
  return out;
}

/** An alias's entry as read once: a nested alias, or what the entry itself stands for. */
type Entry<T> = { alias: AliasDef } | { value: T };

/** A nested alias being walked: its entries and the next one to read. */
interface Open<T> {
  def: AliasDef;
  entries: readonly Entry<T>[];
  next: number;
}

/**
 * Resolves alias names to address and port sets, nested aliases included; what can't be known is unknown.
 * pfSense expands nested aliases to any depth, each alias once per expansion (filter.inc,
 * filter_generate_nested_alias_recurse: no depth limit, a list of the aliases already expanded), so
 * nesting is walked with a stack of its own, never the call stack. A loop, which pfSense cuts silently,
 * is read as unknown naming the alias, so the mistake is shown.
 */
export class Aliases {
  private readonly byName = new Map<string, AliasDef>();
  private readonly addresses = new Map<string, AddressExpr>();
  private readonly ports = new Map<string, PortRange[] | UnknownPart>();
  private readonly addressEntries = new Map<string, readonly Entry<AddressExpr>[]>();
  readonly warnings: { message: string; location?: SourceLocation }[] = [];

  constructor(readonly defs: readonly AliasDef[]) {
    for (const d of defs) if (!this.byName.has(d.name)) this.byName.set(d.name, d);
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  get(name: string): AliasDef | undefined {
    return this.byName.get(name);
  }

  /** An address alias's set; undefined when no alias has that name. */
  address(name: string): AddressExpr | undefined {
    const def = this.byName.get(name);
    if (!def) return undefined;
    let expr = this.addresses.get(name);
    if (!expr) {
      expr = this.expand(def);
      this.addresses.set(name, expr);
    }
    return expr;
  }

  private unknown(def: AliasDef, reason: string): AddressExpr {
    return unknownExpr({ reason: `alias "${def.name}": ${reason}`, location: def.location });
  }

  /** Why the firewall can't give an address alias's addresses from the config, or undefined if it can. */
  private unexpandable(def: AliasDef): AddressExpr | undefined {
    if (!def.enabled) return this.unknown(def, 'it is disabled');
    if (def.type === 'port') return this.unknown(def, 'a port alias used as an address');
    if (!ADDRESS_TYPES.has(def.type)) {
      // url, urltable, geoip, asn, dynipv6host, mac, authgroup, external ...: filled at run time.
      return this.unknown(
        def,
        `a ${def.type || 'typeless'} alias, whose addresses the firewall loads at run time`,
      );
    }
    return undefined;
  }

  /** The alias's members, nested aliases flattened in entry order, as one union one level deep. */
  private expand(root: AliasDef): AddressExpr {
    const why = this.unexpandable(root);
    if (why) return why;
    const members: AddressExpr[] = [];
    const open = new Set([root.name]);
    const done = new Set<string>();
    const stack: Open<AddressExpr>[] = [{ def: root, entries: this.entriesOf(root), next: 0 }];
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const entry = top.entries[top.next++];
      if (!entry) {
        stack.pop();
        open.delete(top.def.name);
        done.add(top.def.name);
        continue;
      }
      if ('value' in entry) {
        members.push(entry.value);
        continue;
      }
      const nested = entry.alias;
      if (open.has(nested.name)) {
        members.push(this.unknown(nested, 'it contains itself'));
        continue;
      }
      if (done.has(nested.name)) continue;
      const nestedWhy = this.unexpandable(nested);
      if (nestedWhy) {
        members.push(nestedWhy);
        done.add(nested.name);
        continue;
      }
      open.add(nested.name);
      stack.push({ def: nested, entries: this.entriesOf(nested), next: 0 });
    }
    return unionExpr(members);
  }

  /** An address alias's entries, read once (so a warning about one is given once). */
  private entriesOf(def: AliasDef): readonly Entry<AddressExpr>[] {
    let entries = this.addressEntries.get(def.name);
    if (!entries) {
      entries = def.entries.map((text) => {
        const alias = this.byName.get(text);
        return alias ? { alias } : { value: this.entry(def, text) };
      });
      this.addressEntries.set(def.name, entries);
    }
    return entries;
  }

  private entry(def: AliasDef, text: string): AddressExpr {
    if (text === 'any') return ANY_ADDRESS;
    if (/^[0-9a-f.:/-]+$/i.test(text) && /[.:]/.test(text)) {
      try {
        return ipsExpr(parseIpSpec(text));
      } catch (e) {
        if (!(e instanceof AddressSyntaxError)) throw e;
      }
    }
    if (def.type !== 'networkgroup' && isValidHostName(text)) {
      // Host names in aliases are resolved by the firewall itself (filterdns) and refreshed periodically.
      return nameExpr({
        kind: 'fqdn',
        domain: normalizeHost(text),
        apex: false,
        depth: 'any',
        method: 'resolve',
        text,
        location: def.location,
      });
    }
    this.warnings.push({
      message: `alias "${def.name}": entry "${text}" is not an address, network, host name or alias; read as unknown`,
      location: def.location,
    });
    return this.unknown(def, `entry "${text}" can't be read`);
  }

  /** A port alias's ranges (nested aliases expanded), or why they can't be known; undefined: no such alias. */
  portRanges(name: string): PortRange[] | UnknownPart | undefined {
    const def = this.byName.get(name);
    if (!def) return undefined;
    let result = this.ports.get(name);
    if (!result) {
      result = this.expandPorts(def);
      this.ports.set(name, result);
    }
    return result;
  }

  /** The ranges of the alias and of the port aliases it nests, or the first reason they can't be known. */
  private expandPorts(root: AliasDef): PortRange[] | UnknownPart {
    const out: PortRange[] = [];
    const open = new Set<string>();
    const done = new Set<string>();
    const stack: Open<PortRange | undefined>[] = [];
    const enter = (def: AliasDef): UnknownPart | undefined => {
      if (open.has(def.name)) return portsUnknown(def, 'it contains itself');
      if (!def.enabled) return portsUnknown(def, 'it is disabled');
      if (def.type !== 'port') return portsUnknown(def, `a ${def.type || 'typeless'} alias used as ports`);
      open.add(def.name);
      stack.push({ def, entries: this.portEntriesOf(def), next: 0 });
      return undefined;
    };
    const why = enter(root);
    if (why) return why;
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const entry = top.entries[top.next++];
      if (!entry) {
        stack.pop();
        open.delete(top.def.name);
        done.add(top.def.name);
      } else if ('alias' in entry) {
        if (done.has(entry.alias.name)) continue;
        const nestedWhy = enter(entry.alias);
        if (nestedWhy) return nestedWhy;
      } else if (entry.value) {
        out.push(entry.value);
      } else {
        return portsUnknown(top.def, `entry "${top.def.entries[top.next - 1]!}" is not a port or range`);
      }
    }
    return out;
  }

  private portEntriesOf(def: AliasDef): readonly Entry<PortRange | undefined>[] {
    return def.entries.map((text) => {
      const alias = this.byName.get(text);
      return alias ? { alias } : { value: parsePortSpec(text) };
    });
  }
}

function portsUnknown(def: AliasDef, reason: string): UnknownPart {
  return { reason: `port alias "${def.name}": ${reason}`, location: def.location };
}
