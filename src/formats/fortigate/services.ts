import { InputError } from '../../input/input-error.js';
import {
  ANY_SERVICE,
  type PortRange,
  type ServiceExpr,
  intersectServiceExprs,
  unionServiceExprs,
} from '../../model/service.js';
import { Entry, type Setting } from './config-tree.js';
import { factoryDefaults } from './predefined.js';
import type { ReadLog } from './read-log.js';
import { checkTable, NamedResolver, type Reference } from './references.js';
import { enabled, tableOf, valueOf, whereIn, type Scope } from './scopes.js';

function q(s: string): string {
  return JSON.stringify(s);
}

const PORT_KEYS: readonly [string, string][] = [
  ['tcp-portrange', 'tcp'],
  ['udp-portrange', 'udp'],
  ['sctp-portrange', 'sctp'],
];

const PORT_RANGE = /^(\d{1,5})(?:-(\d{1,5}))?(?::(\d{1,5})(?:-(\d{1,5}))?)?$/;

/**
 * The services of one scope (`config firewall service custom` and `service group`), each resolved once.
 * A backup lists the predefined services (ALL, HTTPS, DNS ...) as ordinary entries; a trimmed export may
 * not, so a name the export doesn't define is FortiOS's factory-default service or group of that name
 * where there is one (noted), else an unknown part at the reference, with a warning.
 */
export class ServiceBook {
  /** The export's custom services and groups: entries, or once checked what was made of them (checkAll). */
  private custom: ReadonlyMap<string, Entry | ServiceExpr> | undefined;
  private groups: ReadonlyMap<string, Entry | ServiceExpr> | undefined;
  private readonly resolver: NamedResolver<ServiceExpr>;
  private readonly where: string;

  constructor(
    private readonly scope: Scope,
    private readonly log: ReadLog,
  ) {
    this.custom = tableOf(scope, 'firewall service custom')?.entries;
    this.groups = tableOf(scope, 'firewall service group')?.entries;
    this.where = whereIn(scope);
    this.resolver = new NamedResolver(scope.path, 'service group', (entry) => this.build(entry));
  }

  /** Set by find: whether the entry found is a group, and whether it is a factory default. */
  private foundGroup = false;
  private foundDefault = false;

  /**
   * The entry defining a name (or what was made of it, once checked): the export's custom service or group,
   * else a factory default.
   */
  private find(name: string): Entry | ServiceExpr | undefined {
    this.foundDefault = false;
    this.foundGroup = false;
    const custom = this.custom?.get(name);
    if (custom) return custom;
    this.foundGroup = true;
    const group = this.groups?.get(name);
    if (group) return group;
    this.foundDefault = true;
    this.foundGroup = false;
    const defaults = factoryDefaults();
    const dCustom = defaults.get('firewall service custom')?.entries.get(name);
    if (dCustom) return dCustom;
    this.foundGroup = true;
    return defaults.get('firewall service group')?.entries.get(name);
  }

  /** Whether the name given to the last `resolve` was defined (by the export or FortiOS's defaults). */
  lastDefined = false;

  resolve(name: string, ref: Reference): ServiceExpr {
    const entry = this.find(name);
    this.lastDefined = entry !== undefined;
    if (!entry) {
      this.log.undefinedName('service', q(name), `in ${ref.what}${this.where}`, ref.line);
      return {
        kind: 'unknown',
        part: {
          reason: `service ${q(name)} is not defined in this export (${ref.what})`,
          location: { path: this.scope.path, line: ref.line },
        },
      };
    }
    return this.resolveFound(entry, ref);
  }

  /** What `find` just returned, resolved once. */
  private resolveFound(entry: Entry | ServiceExpr, ref: Reference): ServiceExpr {
    if (!(entry instanceof Entry)) return entry;
    const shared = this.foundDefault;
    const known = this.resolver.cached(entry, shared);
    if (known !== undefined) return known;
    // Noted once, when first resolved.
    if (shared) this.log.assume(this.foundGroup ? 'service group' : 'service', entry.name);
    return this.resolver.resolve(entry, ref, shared);
  }

  /**
   * Resolves every service and group, used or not, so every bad one is reported; the scope's own tables
   * then give way to maps of what was made of their entries (checkTable).
   */
  checkAll(): void {
    for (const path of ['firewall service custom', 'firewall service group']) {
      const table = tableOf(this.scope, path);
      const settled = checkTable(
        table,
        table !== undefined && this.scope.blocks.get(path) === table,
        // A group named like a custom service resolves to the service (as references do).
        (entry) => this.find(entry.name)!,
        (found, entry) => this.resolveFound(found, { line: entry.line, what: `service ${q(entry.name)}` }),
      );
      if (!settled) continue;
      if (path === 'firewall service custom') this.custom = settled;
      else this.groups = settled;
    }
  }

  /** Called by the resolver straight after `find` found the entry, so `foundGroup` tells its kind. */
  private build(entry: Entry): ServiceExpr {
    return this.foundGroup ? this.groupExpr(entry) : this.customExpr(entry);
  }

  private unknown(entry: Entry, reason: string, line = entry.line): ServiceExpr {
    return { kind: 'unknown', part: { reason, location: { path: this.scope.path, line } } };
  }

  /**
   * One custom service ("firewall service custom", FortiOS 6.0 CLI Reference,
   * https://docs.fortinet.com/document/fortigate/6.0.6/cli-reference/398367/firewall-service-custom):
   * `protocol` TCP/UDP/SCTP (the default) with port ranges `low[-high][:srclow[-srchigh]]`, ICMP, ICMP6,
   * or IP with `protocol-number` (0, the default, is every protocol, as the predefined ALL service uses).
   * The web-proxy protocols (HTTP, FTP, CONNECT, SOCKS, ALL with `proxy enable`) only apply to proxy
   * policies. `iprange` / `fqdn` restrict the service to those destinations, which the service model
   * can't carry, so such a service matches "maybe" where its ports match.
   */
  private customExpr(entry: Entry): ServiceExpr {
    const label = `service ${q(entry.name)}`;
    const [s] = entry.settings.malformed();
    if (s) {
      return this.unknown(
        entry,
        `${label}: its "${s.key}" value at line ${s.line} has malformed quoting`,
        s.line,
      );
    }
    if (enabled(entry, 'proxy') || enabled(entry, 'explicit-proxy')) {
      return this.unknown(entry, `${label} is a web-proxy service, which applies to proxy policies only`);
    }
    const protocol = valueOf(entry, 'protocol') ?? 'TCP/UDP/SCTP';
    let expr: ServiceExpr;
    switch (protocol.toUpperCase()) {
      case 'TCP/UDP/SCTP': {
        const members: ServiceExpr[] = [];
        for (const [key, proto] of PORT_KEYS) {
          const s = entry.settings.get(key);
          // A loop: push(...list) with a list as long as the input overflows the stack.
          if (s) for (const m of this.portRanges(s, proto, label)) members.push(m);
        }
        if (members.length === 0) return this.unknown(entry, `${label} has no port range`);
        expr = unionServiceExprs(members);
        break;
      }
      case 'ICMP':
        expr = { kind: 'protocol', number: 1 };
        break;
      case 'ICMP6':
        expr = { kind: 'protocol', number: 58 };
        break;
      case 'IP': {
        const s = entry.settings.get('protocol-number');
        const text = s?.values[0] ?? '0';
        if (!/^\d{1,3}$/.test(text) || Number(text) > 255) {
          throw new InputError(
            this.scope.path,
            s!.line,
            `bad protocol-number ${q(text)} in ${label}${this.where}; expected an IP protocol number 0-255`,
          );
        }
        expr = Number(text) === 0 ? ANY_SERVICE : { kind: 'protocol', number: Number(text) };
        break;
      }
      case 'HTTP':
      case 'FTP':
      case 'CONNECT':
      case 'SOCKS-TCP':
      case 'SOCKS-UDP':
      case 'ALL':
        return this.unknown(
          entry,
          `${label} uses the web-proxy protocol ${protocol}, which applies to proxy policies only`,
        );
      default:
        throw new InputError(
          this.scope.path,
          entry.settings.get('protocol')!.line,
          `unknown protocol ${q(protocol)} in ${label}${this.where}; expected TCP/UDP/SCTP, ICMP, ICMP6 or IP`,
        );
    }
    const iprange = valueOf(entry, 'iprange');
    const fqdn = valueOf(entry, 'fqdn');
    const restricted =
      (iprange !== undefined && iprange !== '0.0.0.0' && iprange !== '0.0.0.0-0.0.0.0') ||
      (fqdn !== undefined && fqdn !== '');
    if (restricted) {
      const to = iprange !== undefined && iprange !== '0.0.0.0' ? `iprange ${iprange}` : `fqdn ${fqdn}`;
      expr = intersectServiceExprs(
        expr,
        this.unknown(entry, `${label} applies only to destinations in its ${to}`),
      );
    }
    const appType = valueOf(entry, 'app-service-type');
    if (appType !== undefined && appType !== 'disable') {
      expr = intersectServiceExprs(
        expr,
        this.unknown(entry, `${label} also matches by application (${appType})`),
      );
    }
    return expr;
  }

  /** `set tcp-portrange 80 443 8000-8080 12:11 5000-5100:1024-65535`: each a separate range. */
  private portRanges(s: Setting, protocol: string, label: string): ServiceExpr[] {
    const plain: PortRange[] = [];
    const withSource: ServiceExpr[] = [];
    for (const text of s.values) {
      const m = PORT_RANGE.exec(text);
      const nums = m ? [m[1], m[2], m[3], m[4]].map((x) => (x === undefined ? undefined : Number(x))) : [];
      const bad = !m || nums.some((x) => x !== undefined && x > 65535);
      const lo = nums[0]!;
      const hi = nums[1] ?? lo;
      const slo = nums[2];
      const shi = nums[3] ?? slo;
      if (bad || lo > hi || (slo !== undefined && slo > shi!)) {
        throw new InputError(
          this.scope.path,
          s.line,
          `bad port range ${q(text)} in ${s.key} of ${label}${this.where}; expected LOW[-HIGH][:SRCLOW[-SRCHIGH]] with ports 0-65535 and LOW <= HIGH`,
        );
      }
      if (slo === undefined || (slo === 0 && shi === 65535)) plain.push([lo, hi]);
      else withSource.push({ kind: 'ports', protocol, ports: [[lo, hi]], sourcePorts: [[slo, shi!]] });
    }
    // A copy of its own size: the list grown by push has room for 17 ranges, ~180 bytes per service kept.
    return plain.length ? [{ kind: 'ports', protocol, ports: plain.slice() }, ...withSource] : withSource;
  }

  private groupExpr(entry: Entry): ServiceExpr {
    const label = `service group ${q(entry.name)}`;
    const s = entry.settings.get('member');
    if (!s || s.values.length === 0) return this.unknown(entry, `${label} has no members`);
    if (s.malformed)
      return this.unknown(entry, `${label}: its member list at line ${s.line} has malformed quoting`, s.line);
    const what = `member of ${label}`;
    return unionServiceExprs(s.values.map((m) => this.resolve(m, { line: s.line, what })));
  }
}
