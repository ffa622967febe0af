import {
  ANY_ADDRESS,
  ipsExpr,
  NO_ADDRESS,
  unionExpr,
  unknownExpr,
  type AddressExpr,
} from '../../model/address.js';
import { IntervalSet } from '../../model/interval-set.js';
import { AddressSyntaxError, parseIpSpec } from '../../model/ip.js';
import type { SourceLocation } from '../../model/location.js';
import type { Aliases } from './aliases.js';
import type { IfAddress, Interface } from './interfaces.js';

const LOOPBACK = IntervalSet.unionAll([parseIpSpec('127.0.0.1'), parseIpSpec('::1')]);

/**
 * What the address fields of rules name: interface networks (`lan`), interface addresses (`lanip`), the
 * firewall itself (`(self)`), aliases, and literal addresses. Addresses the firewall learns at run time
 * (DHCP, PPPoE, track6) are unknown parts, never a silent match or no-match.
 */
export class Networks {
  private readonly byKey = new Map<string, Interface>();

  constructor(
    interfaces: readonly Interface[],
    readonly aliases: Aliases,
    /** The export has no `<interfaces>`: interface names are unknown networks, not mistakes. */
    readonly trimmed = false,
  ) {
    for (const i of interfaces) this.byKey.set(i.key, i);
  }

  private part(i: Interface, a: IfAddress, family: string, what: 'network' | 'address'): AddressExpr {
    if (a.kind === 'none') return NO_ADDRESS;
    if (a.kind === 'static') return ipsExpr(what === 'network' ? a.network : a.address);
    return unknownExpr({
      reason: `the ${family} ${what === 'network' ? 'subnet' : 'address'} of interface ${i.key} is learned at run time (${a.how})`,
      location: i.location,
    });
  }

  private ofInterface(i: Interface, what: 'network' | 'address'): AddressExpr {
    return unionExpr([this.part(i, i.ipv4, 'IPv4', what), this.part(i, i.ipv6, 'IPv6', what)]);
  }

  /** Every address of the firewall: `(self)`. */
  self(): AddressExpr {
    const parts: AddressExpr[] = [ipsExpr(LOOPBACK)];
    for (const i of this.byKey.values()) if (i.enabled) parts.push(this.ofInterface(i, 'address'));
    return unionExpr(parts);
  }

  /** A `<network>` value: `(self)`, `lan`, `lanip`, `opt1`, ...; undefined when it names nothing known. */
  network(name: string): AddressExpr | undefined {
    if (name === '(self)') return this.self();
    if (name === 'any') return ANY_ADDRESS;
    const iface = this.byKey.get(name);
    if (iface) return this.ofInterface(iface, 'network');
    const ip = /^(.+)ip$/.exec(name);
    const ifaceIp = ip ? this.byKey.get(ip[1]!) : undefined;
    if (ifaceIp) return this.ofInterface(ifaceIp, 'address');
    if (this.trimmed && /^[a-z][\w-]*$/i.test(name))
      return unknownExpr({ reason: `the export has no <interfaces> section to tell what "${name}" is` });
    return undefined;
  }

  /** An `<address>` value: a literal address, network or range, or an alias; undefined when neither. */
  address(text: string): AddressExpr | undefined {
    const alias = this.aliases.address(text);
    if (alias) return alias;
    if (/^[0-9a-f.:/-]+$/i.test(text) && /[.:]/.test(text)) {
      try {
        return ipsExpr(parseIpSpec(text));
      } catch (e) {
        if (!(e instanceof AddressSyntaxError)) throw e;
      }
    }
    return undefined;
  }

  /** A name that may be an interface network or an address (OPNsense's MVC rules use one field for both). */
  any(text: string): AddressExpr | undefined {
    return this.network(text) ?? this.address(text);
  }

  unknownName(text: string, location: SourceLocation): AddressExpr {
    return unknownExpr({ reason: `"${text}" names no interface, alias or address in the config`, location });
  }
}
