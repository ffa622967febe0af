import {
  ANY_ADDRESS,
  ipsExpr,
  minusExpr,
  nameExpr,
  NO_ADDRESS,
  unionExpr,
  unknownExpr,
  type AddressExpr,
} from '../../model/address.js';
import { IntervalSet } from '../../model/interval-set.js';
import {
  AddressSyntaxError,
  FAMILY_RANGE,
  parseAddress,
  parseCidr,
  prefixBlock,
  netmaskToPrefix,
} from '../../model/ip.js';
import { isValidHostName, normalizeHost } from '../../model/names.js';
import { lineError, type ConfigLine } from './config-lines.js';
import { groupLeaves, type GroupMember } from './group-members.js';
import { GroupNesting } from './group-nesting.js';
import type { ObjectTables } from './objects.js';
import type { StaleReferences } from './stale-references.js';

/** What address resolution needs to know beyond the object tables. */
export interface AddressSettings {
  path: string;
  /**
   * ASA 9.0 and later: `any` is every IPv4 and IPv6 address (`any4` / `any6` for one family); before 9.0
   * IPv4 ACLs had `any` for IPv4 only. "Cisco ASA Series Command Reference", access-list extended:
   * "any4 and any6 ... any ... specifies both IPv4 and IPv6" (9.0(1) history: unified ACLs).
   */
  anyIsDualStack: boolean;
  /** Why FQDN objects can't be resolved (no DNS server / domain lookup configured), if so. */
  fqdnUnresolvable?: string;
  /** The address expression of `interface NAME` in an ACE (the ASA's own address on it). */
  interfaceAddress(name: string, at: ConfigLine): AddressExpr;
  /** Where references to things the export doesn't define are recorded. */
  stale: StaleReferences;
}

export const ANY4: AddressExpr = ipsExpr(FAMILY_RANGE.ipv4);
export const ANY6: AddressExpr = ipsExpr(FAMILY_RANGE.ipv6);

export const ADDRESS_FORMS =
  'any, any4, any6, host ADDRESS, ADDRESS MASK, IPV6/PREFIX, object NAME, object-group NAME or interface NAME';

/**
 * Resolves addresses as the ASA writes them: inline (`host A`, `A MASK`, `A::/n`, name aliases from
 * `name`), network objects (host, subnet, range, fqdn) and network object groups (nested with
 * group-object). Each object and group becomes one shared expression, resolved once.
 */
export class AddressResolver {
  private readonly objects = new Map<string, AddressExpr>();
  private readonly groups = new Map<string, AddressExpr>();
  private readonly members = new Map<string, readonly GroupMember<AddressExpr>[]>();
  private readonly inline = new Map<string, AddressExpr>();
  private readonly nesting: GroupNesting;

  constructor(
    private readonly tables: ObjectTables,
    private readonly settings: AddressSettings,
  ) {
    this.nesting = new GroupNesting(settings.path);
  }

  private error(at: ConfigLine, message: string): Error {
    return lineError(this.settings.path, at, message);
  }

  /** An IP address written as text or as a `name` alias. */
  address(word: string, at: ConfigLine): { family: 'ipv4' | 'ipv6'; value: bigint } {
    try {
      return parseAddress(word);
    } catch (e) {
      if (!(e instanceof AddressSyntaxError)) throw e;
    }
    const alias = this.tables.names.get(word);
    if (alias) {
      try {
        return parseAddress(alias.address);
      } catch (e) {
        if (!(e instanceof AddressSyntaxError)) throw e;
        throw this.error(
          at,
          `name "${word}" (line ${alias.line}) stands for "${alias.address}", which is not an address`,
        );
      }
    }
    throw this.error(
      at,
      `"${word}" is neither an IP address nor a name defined with "name ADDRESS ${word}"; expected an address`,
    );
  }

  /** `A MASK` with an IPv4 address (or alias) and a contiguous netmask. */
  maskedBlock(addressWord: string, maskWord: string, at: ConfigLine): IntervalSet {
    const a = this.address(addressWord, at);
    if (a.family !== 'ipv4') {
      throw this.error(
        at,
        `"${addressWord} ${maskWord}": a netmask goes with an IPv4 address; write IPv6 as ADDRESS/PREFIX`,
      );
    }
    try {
      return prefixBlock('ipv4', a.value, netmaskToPrefix(maskWord));
    } catch (e) {
      if (!(e instanceof AddressSyntaxError)) throw e;
      throw this.error(
        at,
        `bad netmask "${maskWord}": ${e.message}; expected a contiguous mask such as 255.255.255.0`,
      );
    }
  }

  /**
   * A word that can only be a `name` alias (it starts with a letter and is no IPv6 address) and that the
   * export doesn't define: a stale reference, unknown, rather than a syntax error.
   */
  private isUndefinedName(word: string): boolean {
    return /^[A-Za-z][\w.-]*$/.test(word) && !this.tables.names.has(word);
  }

  private staleName(word: string, at: ConfigLine): AddressExpr {
    return unknownExpr(this.settings.stale.use(`name "${word}"`, at.line));
  }

  /** `host A` (A an address or a `name`); unknown for a name the export doesn't define. */
  private hostExpr(word: string, at: ConfigLine): AddressExpr {
    return this.isUndefinedName(word) ? this.staleName(word, at) : ipsExpr(this.hostSet(word, at));
  }

  /** `A MASK` (A an address or a `name`); unknown for a name the export doesn't define. */
  private maskedExpr(word: string, mask: string, at: ConfigLine): AddressExpr {
    return this.isUndefinedName(word) ? this.staleName(word, at) : ipsExpr(this.maskedBlock(word, mask, at));
  }

  hostSet(word: string, at: ConfigLine): IntervalSet {
    const a = this.address(word, at);
    return prefixBlock(a.family, a.value, a.family === 'ipv4' ? 32 : 128);
  }

  prefix(word: string, at: ConfigLine): IntervalSet {
    try {
      return parseCidr(word);
    } catch (e) {
      if (!(e instanceof AddressSyntaxError)) throw e;
      throw this.error(
        at,
        `bad IPv6 prefix "${word}": ${e.message}; expected ADDRESS/PREFIX such as 2001:db8::/32`,
      );
    }
  }

  private shared(key: string, make: () => AddressExpr): AddressExpr {
    let expr = this.inline.get(key);
    if (!expr) {
      expr = make();
      this.inline.set(key, expr);
    }
    return expr;
  }

  /**
   * Reads one address argument of an ACE at `words[i]` ("Cisco ASA Series Command Reference",
   * access-list extended: any | any4 | any6 | host | ip_address mask | IPv6 prefix | interface | object |
   * object-group); returns it and the index after it.
   */
  aceAddress(
    words: readonly string[],
    i: number,
    at: ConfigLine,
    role: string,
  ): { expr: AddressExpr; next: number } {
    const word = words[i];
    if (word === undefined) throw this.error(at, `the ${role} address is missing; expected ${ADDRESS_FORMS}`);
    const lower = word.toLowerCase();
    const arg = words[i + 1];
    switch (lower) {
      case 'any':
        return { expr: this.settings.anyIsDualStack ? ANY_ADDRESS : ANY4, next: i + 1 };
      case 'any4':
        return { expr: ANY4, next: i + 1 };
      case 'any6':
        return { expr: ANY6, next: i + 1 };
      case 'host':
        if (arg === undefined) throw this.error(at, `"host" without an address in the ${role}`);
        if (this.isUndefinedName(arg)) return { expr: this.staleName(arg, at), next: i + 2 };
        return { expr: this.shared(`host ${arg}`, () => ipsExpr(this.hostSet(arg, at))), next: i + 2 };
      case 'object':
        if (arg === undefined) throw this.error(at, `"object" without a name in the ${role}`);
        return { expr: this.networkObject(arg, at), next: i + 2 };
      case 'object-group':
        if (arg === undefined) throw this.error(at, `"object-group" without a name in the ${role}`);
        return { expr: this.networkGroup(arg, at), next: i + 2 };
      case 'interface':
        if (arg === undefined) throw this.error(at, `"interface" without an interface name in the ${role}`);
        return { expr: this.settings.interfaceAddress(arg, at), next: i + 2 };
    }
    if (word.includes('/'))
      return { expr: this.shared(word, () => ipsExpr(this.prefix(word, at))), next: i + 1 };
    if (word.includes(':')) {
      throw this.error(
        at,
        `IPv6 address "${word}" needs a prefix length or "host"; expected ${ADDRESS_FORMS}`,
      );
    }
    const mask = words[i + 1];
    if (mask === undefined || !/^\d+\.\d+\.\d+\.\d+$/.test(mask)) {
      if (/^[\d.]+$/.test(word) || this.tables.names.has(word)) {
        throw this.error(at, `"${word}" needs a netmask (ADDRESS MASK) or "host" before it in the ${role}`);
      }
      throw this.error(at, `"${word}" is not a ${role} address; expected ${ADDRESS_FORMS}`);
    }
    if (this.isUndefinedName(word)) return { expr: this.staleName(word, at), next: i + 2 };
    return {
      expr: this.shared(`${word} ${mask}`, () => ipsExpr(this.maskedBlock(word, mask, at))),
      next: i + 2,
    };
  }

  /** `object network NAME` as an expression (one per object). */
  networkObject(name: string, at: ConfigLine): AddressExpr {
    const cached = this.objects.get(name);
    if (cached) return cached;
    const obj = this.tables.networkObjects.get(name);
    if (!obj) {
      if (this.tables.serviceObjects.has(name)) {
        throw this.error(at, `"${name}" is a service object; expected a network object`);
      }
      return unknownExpr(this.settings.stale.use(`network object "${name}"`, at.line));
    }
    if (!obj.address) {
      throw this.error(
        at,
        `network object "${name}" (line ${obj.line}) has no host, subnet, range or fqdn, so it matches nothing`,
      );
    }
    const expr = this.objectAddress(name, obj.address);
    this.objects.set(name, expr);
    return expr;
  }

  private objectAddress(name: string, def: ConfigLine): AddressExpr {
    const [kind, a, b, c] = def.words;
    switch (kind!.toLowerCase()) {
      case 'host':
        if (a === undefined || b !== undefined) throw this.error(def, 'expected "host ADDRESS"');
        return this.hostExpr(a, def);
      case 'subnet':
        if (a === undefined || c !== undefined)
          throw this.error(def, 'expected "subnet ADDRESS MASK" or "subnet IPV6/PREFIX"');
        if (b === undefined) {
          if (!a.includes('/')) throw this.error(def, `"subnet ${a}" needs a netmask or an IPv6 /prefix`);
          return ipsExpr(this.prefix(a, def));
        }
        return this.maskedExpr(a, b, def);
      case 'range': {
        if (a === undefined || b === undefined || c !== undefined)
          throw this.error(def, 'expected "range FIRST LAST"');
        if (this.isUndefinedName(a)) return this.staleName(a, def);
        if (this.isUndefinedName(b)) return this.staleName(b, def);
        const lo = this.address(a, def);
        const hi = this.address(b, def);
        if (lo.family !== hi.family) throw this.error(def, `range "${a} ${b}" mixes IPv4 and IPv6`);
        if (lo.value > hi.value) throw this.error(def, `range "${a} ${b}" ends before it starts`);
        return ipsExpr(IntervalSet.range(lo.value, hi.value));
      }
      case 'fqdn':
        return this.fqdn(name, def);
    }
    throw this.error(def, `unexpected "${kind}" in object network "${name}"`);
  }

  /**
   * `fqdn [v4 | v6] NAME`: the ASA resolves the name with its own DNS servers and matches the addresses it
   * gets ("Cisco ASA Series Firewall CLI Configuration Guide", Objects for Access Control, "Configure a
   * Network Object"; Cisco community document "Using hostnames (DNS) in access-lists": needs
   * `dns domain-lookup` and a DNS server group, and an FQDN that can't be resolved leaves the ACE
   * inactive). `v4` limits it to IPv4 (A records), `v6` to IPv6 (AAAA). Without either, IPv4 is matched
   * by name and whether IPv6 is too is left unknown.
   */
  private fqdn(objectName: string, def: ConfigLine): AddressExpr {
    const words = def.words.slice(1);
    let family: 'ipv4' | 'ipv6' | undefined;
    const first = words[0]?.toLowerCase();
    if (first === 'v4' || first === 'v6') {
      family = first === 'v4' ? 'ipv4' : 'ipv6';
      words.shift();
    }
    const host = words[0];
    if (host === undefined || words.length > 1) throw this.error(def, 'expected "fqdn [v4 | v6] NAME"');
    if (!isValidHostName(host) || host.includes('*')) {
      throw this.error(def, `"${host}" is not a fully qualified domain name (such as www.example.com)`);
    }
    const location = { path: this.settings.path, line: def.line };
    if (this.settings.fqdnUnresolvable) {
      return unknownExpr({
        reason: `FQDN object "${objectName}" (${host}): ${this.settings.fqdnUnresolvable}`,
        location,
      });
    }
    const name = nameExpr({
      kind: 'fqdn',
      domain: normalizeHost(host),
      apex: false,
      depth: 'any',
      method: 'resolve',
      text: host,
      location,
    });
    if (family === 'ipv4') return minusExpr(name, ANY6);
    if (family === 'ipv6') return minusExpr(name, ANY4);
    const v6Unknown = minusExpr(
      unknownExpr({
        reason: `FQDN object "${objectName}" has neither v4 nor v6: whether the ASA also matches ${host}'s IPv6 addresses is not known`,
        location,
      }),
      ANY4,
    );
    return unionExpr([minusExpr(name, ANY6), v6Unknown]);
  }

  /** `object-group network NAME` as an expression (one per group), its nested groups' members flattened in. */
  networkGroup(name: string, at: ConfigLine): AddressExpr {
    const cached = this.groups.get(name);
    if (cached) return cached;
    const stale = this.staleGroup(name, at);
    if (stale) return stale;
    this.networkGroupMembers(name, at);
    const leaves = groupLeaves(name, (n) => this.members.get(n)!);
    const expr = leaves.length === 0 ? NO_ADDRESS : leaves.length === 1 ? leaves[0]! : unionExpr(leaves);
    this.groups.set(name, expr);
    return expr;
  }

  /** The unknown part standing for an object-group the export doesn't define; undefined if it does. */
  private staleGroup(name: string, at: ConfigLine): AddressExpr | undefined {
    if (this.tables.groups.has(name)) return undefined;
    if (this.tables.networkObjects.has(name)) {
      throw this.error(at, `"${name}" is a network object, not an object-group: write "object ${name}"`);
    }
    return unknownExpr(this.settings.stale.use(`object-group "${name}"`, at.line));
  }

  /** A network group's members, read and checked once (nested groups too: cycles, errors, depth). */
  networkGroupMembers(name: string, at: ConfigLine): readonly GroupMember<AddressExpr>[] {
    const read = this.members.get(name);
    if (read) return read;
    const group = this.tables.groups.get(name)!;
    if (group.kind !== 'network') {
      throw this.error(
        at,
        `object-group "${name}" (line ${group.line}) is a ${group.kind} group; expected a network group`,
      );
    }
    this.nesting.enter(name, at);
    const members = group.members.map((m) => this.groupMember(m));
    this.nesting.leave();
    this.members.set(name, members);
    return members;
  }

  /** `network-object host A | A MASK | A::/n | object NAME`, or `group-object NAME`. */
  private groupMember(m: ConfigLine): GroupMember<AddressExpr> {
    const [kind, a] = m.words;
    if (kind!.toLowerCase() === 'group-object') {
      if (a === undefined || m.words.length > 2) throw this.error(m, 'expected "group-object NAME"');
      const stale = this.staleGroup(a, m);
      if (stale) return { expr: stale };
      this.networkGroupMembers(a, m);
      return { group: a };
    }
    return { expr: this.networkObjectMember(m) };
  }

  /** `network-object host A | A MASK | A::/n | object NAME`. */
  private networkObjectMember(m: ConfigLine): AddressExpr {
    const [, a, b, c] = m.words;
    if (a === undefined)
      throw this.error(
        m,
        'incomplete "network-object"; expected host ADDRESS, ADDRESS MASK, IPV6/PREFIX or object NAME',
      );
    const sub = a.toLowerCase();
    if (sub === 'host') {
      if (b === undefined || c !== undefined) throw this.error(m, 'expected "network-object host ADDRESS"');
      return this.hostExpr(b, m);
    }
    if (sub === 'object') {
      if (b === undefined || c !== undefined) throw this.error(m, 'expected "network-object object NAME"');
      return this.networkObject(b, m);
    }
    if (c !== undefined) throw this.error(m, `unexpected "${c}" in network-object`);
    if (b === undefined) {
      if (a.includes('/')) return ipsExpr(this.prefix(a, m));
      throw this.error(m, `"network-object ${a}" needs a netmask, an IPv6 /prefix or "host"`);
    }
    return this.maskedExpr(a, b, m);
  }

  /** Resolves every object and network group, so errors in unused ones are reported too. */
  checkAll(): void {
    for (const obj of this.tables.networkObjects.values()) {
      if (obj.address) this.networkObject(obj.name, obj.address);
    }
    for (const group of this.tables.groups.values()) {
      if (group.kind === 'network')
        this.networkGroupMembers(group.name, { line: group.line, indent: 0, words: [] });
    }
  }
}
