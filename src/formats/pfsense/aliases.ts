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

/** Resolves alias names to address and port sets, nested aliases included; what can't be known is unknown. */
export class Aliases {
  private readonly byName = new Map<string, AliasDef>();
  private readonly addresses = new Map<string, AddressExpr>();
  private readonly ports = new Map<string, PortRange[] | UnknownPart>();
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
  address(name: string, seen: readonly string[] = []): AddressExpr | undefined {
    const def = this.byName.get(name);
    if (!def) return undefined;
    const cached = this.addresses.get(name);
    if (cached) return cached;
    const expr = this.expand(def, seen);
    this.addresses.set(name, expr);
    return expr;
  }

  private unknown(def: AliasDef, reason: string): AddressExpr {
    return unknownExpr({ reason: `alias "${def.name}": ${reason}`, location: def.location });
  }

  private expand(def: AliasDef, seen: readonly string[]): AddressExpr {
    if (seen.includes(def.name)) return this.unknown(def, 'it contains itself');
    if (!def.enabled) return this.unknown(def, 'it is disabled');
    if (def.type === 'port') return this.unknown(def, 'a port alias used as an address');
    if (!ADDRESS_TYPES.has(def.type)) {
      // url, urltable, geoip, asn, dynipv6host, mac, authgroup, external ...: filled at run time.
      return this.unknown(
        def,
        `a ${def.type || 'typeless'} alias, whose addresses the firewall loads at run time`,
      );
    }
    const members = def.entries.map((e) => this.entry(def, e, [...seen, def.name]));
    return unionExpr(members);
  }

  private entry(def: AliasDef, text: string, seen: readonly string[]): AddressExpr {
    const nested = this.address(text, seen);
    if (nested) return nested;
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
  portRanges(name: string, seen: readonly string[] = []): PortRange[] | UnknownPart | undefined {
    const def = this.byName.get(name);
    if (!def) return undefined;
    const cached = this.ports.get(name);
    if (cached) return cached;
    const result = this.expandPorts(def, seen);
    this.ports.set(name, result);
    return result;
  }

  private expandPorts(def: AliasDef, seen: readonly string[]): PortRange[] | UnknownPart {
    const why = (reason: string): UnknownPart => ({
      reason: `port alias "${def.name}": ${reason}`,
      location: def.location,
    });
    if (seen.includes(def.name)) return why('it contains itself');
    if (!def.enabled) return why('it is disabled');
    if (def.type !== 'port') return why(`a ${def.type || 'typeless'} alias used as ports`);
    const out: PortRange[] = [];
    for (const e of def.entries) {
      const nested = this.portRanges(e, [...seen, def.name]);
      if (nested !== undefined) {
        if (!Array.isArray(nested)) return nested;
        out.push(...nested);
        continue;
      }
      const range = parsePortSpec(e);
      if (!range) return why(`entry "${e}" is not a port or range`);
      out.push(range);
    }
    return out;
  }
}
