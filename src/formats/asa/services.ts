import type { UnknownPart } from '../../model/location.js';
import {
  ANY_SERVICE,
  intersectServiceExprs,
  type PortRange,
  type ServiceExpr,
  unionServiceExprs,
} from '../../model/service.js';
import { lineError, type ConfigLine } from './config-lines.js';
import type { ObjectGroupDef, ObjectTables } from './objects.js';
import { describeKind } from './objects.js';
import { groupLeaves, type GroupMember } from './group-members.js';
import { GroupNesting } from './group-nesting.js';
import { mergePorts } from '../../model/service.js';
import { parsePortOperator, PORT_OPERATORS, PortSyntaxError } from './ports.js';
import { PORT_PROTOCOL_NAMES, parseProtocol, PROTOCOL_FORMS, type AsaProtocol } from './protocols.js';
import type { StaleReferences } from './stale-references.js';

const ALL_PORTS: readonly PortRange[] = [[0, 65535]];

/** Ports of one direction; `undefined` is "not restricted". */
export interface PortMatch {
  source?: readonly PortRange[];
  destination?: readonly PortRange[];
  /** A port group of the ACE is (or holds) one the export doesn't define. */
  unknown?: UnknownPart;
}

/**
 * The service of one protocol with optional ports. Ports only exist for TCP, UDP and SCTP; on other
 * protocols the ASA ignores nothing silently, so a port condition on `ip` can't be decided here.
 */
export function protocolService(
  protocol: AsaProtocol,
  ports: PortMatch,
  unknown: (reason: string) => UnknownPart,
): ServiceExpr {
  if (protocol.kind === 'unknown') return { kind: 'unknown', part: protocol.part };
  const restricted = ports.source !== undefined || ports.destination !== undefined;
  if (protocol.kind === 'ip') {
    return restricted
      ? { kind: 'unknown', part: unknown('port operators on protocol "ip" (every protocol)') }
      : ANY_SERVICE;
  }
  const name = PORT_PROTOCOL_NAMES.get(protocol.number);
  const whole: ServiceExpr = { kind: 'protocol', number: protocol.number };
  if (!name || !restricted) return whole;
  const known: ServiceExpr = {
    kind: 'ports',
    protocol: name,
    ports: ports.destination ?? ALL_PORTS,
    ...(ports.source ? { sourcePorts: ports.source } : {}),
  };
  if (!ports.unknown) return known;
  // The undefined group's ports may match anything of the protocol, never another protocol.
  return unionServiceExprs([known, intersectServiceExprs(whole, { kind: 'unknown', part: ports.unknown })]);
}

interface PortGroup {
  ports: readonly PortRange[];
  /** The group is, or holds, one the export doesn't define. */
  unknown?: UnknownPart;
}

/**
 * Resolves service objects and service, port, protocol, ICMP, user and security object groups ("Cisco ASA
 * Series Firewall CLI Configuration Guide", Objects for Access Control: "Configure a Service Object",
 * "Configure a Service Group", "Configure a Protocol Object Group" ...). One shared expression per
 * object and group; nesting is resolved once, and a group that contains itself is an error.
 */
export class ServiceResolver {
  private readonly objects = new Map<string, ServiceExpr>();
  private readonly services = new Map<string, ServiceExpr>();
  private readonly serviceMembers = new Map<string, readonly GroupMember<ServiceExpr>[]>();
  private readonly portGroups = new Map<string, PortGroup>();
  private readonly protocolGroups = new Map<string, readonly AsaProtocol[]>();
  private readonly portMembers = new Map<string, readonly GroupMember<PortGroup>[]>();
  private readonly protocolMembers = new Map<string, readonly GroupMember<AsaProtocol>[]>();
  private readonly checkedGroups = new Set<string>();
  private readonly nesting: GroupNesting;

  constructor(
    private readonly path: string,
    private readonly tables: ObjectTables,
    private readonly stale: StaleReferences,
  ) {
    this.nesting = new GroupNesting(path);
  }

  hasGroup(name: string): boolean {
    return this.tables.groups.has(name);
  }

  groupKind(name: string): ObjectGroupDef['kind'] | undefined {
    return this.tables.groups.get(name)?.kind;
  }

  /** The unknown part standing for an object-group the export doesn't define; undefined if it does. */
  staleGroup(name: string, at: ConfigLine): UnknownPart | undefined {
    if (this.tables.groups.has(name)) return undefined;
    if (this.tables.networkObjects.has(name) || this.tables.serviceObjects.has(name)) {
      throw this.error(at, `"${name}" is an object, not an object-group: write "object ${name}"`);
    }
    return this.stale.use(`object-group "${name}"`, at.line);
  }

  private error(at: ConfigLine, message: string): Error {
    return lineError(this.path, at, message);
  }

  unknownPart(at: ConfigLine, reason: string): UnknownPart {
    return { reason, location: { path: this.path, line: at.line } };
  }

  /** Wraps port syntax errors into InputErrors at the line. */
  portOperator(words: readonly string[], i: number, at: ConfigLine): { ports: PortRange[]; next: number } {
    try {
      return parsePortOperator(words, i);
    } catch (e) {
      if (e instanceof PortSyntaxError) throw this.error(at, e.message);
      throw e;
    }
  }

  /** A group by name, of one of the expected kinds. */
  group(
    name: string,
    at: ConfigLine,
    kinds: readonly ObjectGroupDef['kind'][],
    what: string,
  ): ObjectGroupDef {
    const group = this.tables.groups.get(name);
    if (!group) throw this.error(at, `undefined object-group "${name}"; expected ${what}`);
    if (!kinds.includes(group.kind)) {
      throw this.error(
        at,
        `object-group "${name}" (line ${group.line}) is a ${describeKind(group)} group; expected ${what}`,
      );
    }
    return group;
  }

  /** `object service NAME`: `service PROTOCOL [source OP PORT] [destination OP PORT]`. */
  serviceObject(name: string, at: ConfigLine): ServiceExpr {
    const cached = this.objects.get(name);
    if (cached) return cached;
    const obj = this.tables.serviceObjects.get(name);
    if (!obj) {
      if (this.tables.networkObjects.has(name)) {
        throw this.error(at, `"${name}" is a network object; expected a service object`);
      }
      return { kind: 'unknown', part: this.stale.use(`service object "${name}"`, at.line) };
    }
    if (!obj.service)
      throw this.error(at, `service object "${name}" (line ${obj.line}) has no "service" line`);
    const expr = this.serviceSpec(obj.service.words.slice(1), obj.service, false);
    this.objects.set(name, expr);
    return expr;
  }

  /**
   * The words after `service` / `service-object`: `PROTOCOL`, `tcp|udp|tcp-udp|sctp [source OP P]
   * [destination OP P]` (a bare `OP P` is the destination, as older releases wrote it), `icmp|icmp6
   * [TYPE [CODE]]`, or (in groups) `object NAME`.
   */
  serviceSpec(words: readonly string[], at: ConfigLine, allowObject: boolean): ServiceExpr {
    const first = words[0];
    if (first === undefined) throw this.error(at, `the protocol is missing; expected ${PROTOCOL_FORMS}`);
    const lower = first.toLowerCase();
    if (lower === 'object' && allowObject) {
      if (words[1] === undefined || words.length > 2)
        throw this.error(at, 'expected "service-object object NAME"');
      return this.serviceObject(words[1], at);
    }
    if (lower === 'icmp' || lower === 'icmp6') {
      // The ICMP type and code don't matter to TCP and UDP flows.
      return { kind: 'protocol', number: lower === 'icmp' ? 1 : 58 };
    }
    const protocols: AsaProtocol[] =
      lower === 'tcp-udp'
        ? [
            { kind: 'number', number: 6 },
            { kind: 'number', number: 17 },
          ]
        : [];
    if (protocols.length === 0) {
      const p = parseProtocol(first);
      if (!p) throw this.error(at, `unknown protocol "${first}"; expected ${PROTOCOL_FORMS} or tcp-udp`);
      protocols.push(p);
    }
    const ports: { source?: PortRange[]; destination?: PortRange[] } = {};
    let i = 1;
    while (i < words.length) {
      const w = words[i]!.toLowerCase();
      let dir: 'source' | 'destination' = 'destination';
      if (w === 'source' || w === 'destination') {
        dir = w;
        i++;
      }
      const op = words[i];
      if (op === undefined || !PORT_OPERATORS.has(op.toLowerCase())) {
        throw this.error(at, `expected a port operator (eq, neq, lt, gt, range) after "${words[i - 1]}"`);
      }
      if (ports[dir]) throw this.error(at, `the ${dir} port is given twice`);
      const parsed = this.portOperator(words, i, at);
      ports[dir] = parsed.ports;
      i = parsed.next;
    }
    const hasPorts = ports.source !== undefined || ports.destination !== undefined;
    if (hasPorts && protocols.some((p) => p.kind !== 'number' || !PORT_PROTOCOL_NAMES.has(p.number))) {
      throw this.error(at, `ports go with tcp, udp, tcp-udp or sctp, not "${first}"`);
    }
    return unionServiceExprs(protocols.map((p) => protocolService(p, ports, (r) => this.unknownPart(at, r))));
  }

  /** An untyped `object-group service NAME` (service-object / group-object members). */
  serviceGroup(name: string, at: ConfigLine): ServiceExpr {
    const cached = this.services.get(name);
    if (cached) return cached;
    const stale = this.staleGroup(name, at);
    if (stale) return { kind: 'unknown', part: stale };
    this.serviceGroupMembers(name, at);
    // An empty service group matches no traffic.
    const expr = unionServiceExprs(groupLeaves(name, (n) => this.serviceMembers.get(n)!));
    this.services.set(name, expr);
    return expr;
  }

  /** A service group's members, read and checked once (nested groups too: cycles, errors, depth). */
  serviceGroupMembers(name: string, at: ConfigLine): readonly GroupMember<ServiceExpr>[] {
    const read = this.serviceMembers.get(name);
    if (read) return read;
    const group = this.group(name, at, ['service'], 'a service group');
    this.nesting.enter(name, at);
    const members = group.members.map((m): GroupMember<ServiceExpr> => {
      if (m.words[0]!.toLowerCase() !== 'group-object')
        return { expr: this.serviceSpec(m.words.slice(1), m, true) };
      const nested = m.words[1];
      if (nested === undefined || m.words.length > 2) throw this.error(m, 'expected "group-object NAME"');
      const stale = this.staleGroup(nested, m);
      if (stale) return { expr: { kind: 'unknown', part: stale } };
      this.serviceGroupMembers(nested, m);
      return { group: nested };
    });
    this.nesting.leave();
    this.serviceMembers.set(name, members);
    return members;
  }

  /** A typed `object-group service NAME tcp|udp|tcp-udp` (port-object / group-object members). */
  portGroup(name: string, at: ConfigLine): PortGroup {
    const cached = this.portGroups.get(name);
    if (cached) return cached;
    const stale = this.staleGroup(name, at);
    if (stale) return { ports: [], unknown: stale };
    this.portGroupMembers(name, at);
    const leaves = groupLeaves(name, (n) => this.portMembers.get(n)!);
    const unknown = leaves.find((l) => l.unknown)?.unknown;
    const result = { ports: mergePorts(leaves.flatMap((l) => l.ports)), ...(unknown ? { unknown } : {}) };
    this.portGroups.set(name, result);
    return result;
  }

  /** A port group's members, read and checked once (nested groups too: cycles, errors, depth). */
  private portGroupMembers(name: string, at: ConfigLine): readonly GroupMember<PortGroup>[] {
    const read = this.portMembers.get(name);
    if (read) return read;
    const group = this.group(name, at, ['port'], 'a port group (object-group service NAME tcp|udp|tcp-udp)');
    this.nesting.enter(name, at);
    const members = group.members.map((m): GroupMember<PortGroup> => {
      if (m.words[0]!.toLowerCase() === 'group-object') {
        const nested = m.words[1];
        if (nested === undefined || m.words.length > 2) throw this.error(m, 'expected "group-object NAME"');
        const stale = this.staleGroup(nested, m);
        if (stale) return { expr: { ports: [], unknown: stale } };
        this.portGroupMembers(nested, m);
        return { group: nested };
      }
      const op = m.words[1];
      if (op === undefined || !PORT_OPERATORS.has(op.toLowerCase())) {
        throw this.error(m, 'expected "port-object eq PORT" or "port-object range LOW HIGH"');
      }
      const parsed = this.portOperator(m.words, 1, m);
      if (parsed.next !== m.words.length)
        throw this.error(m, `unexpected "${m.words[parsed.next]}" after the port`);
      return { expr: { ports: parsed.ports } };
    });
    this.nesting.leave();
    this.portMembers.set(name, members);
    return members;
  }

  /** `object-group protocol NAME` (protocol-object / group-object members). */
  protocolGroup(name: string, at: ConfigLine): readonly AsaProtocol[] {
    const cached = this.protocolGroups.get(name);
    if (cached) return cached;
    const stale = this.staleGroup(name, at);
    if (stale) return [{ kind: 'unknown', part: stale }];
    this.protocolGroupMembers(name, at);
    const list = groupLeaves(name, (n) => this.protocolMembers.get(n)!);
    this.protocolGroups.set(name, list);
    return list;
  }

  /** A protocol group's members, read and checked once (nested groups too: cycles, errors, depth). */
  private protocolGroupMembers(name: string, at: ConfigLine): readonly GroupMember<AsaProtocol>[] {
    const read = this.protocolMembers.get(name);
    if (read) return read;
    const group = this.group(name, at, ['protocol'], 'a protocol group');
    this.nesting.enter(name, at);
    const members = group.members.map((m): GroupMember<AsaProtocol> => {
      const [kind, arg, extra] = m.words;
      if (arg === undefined || extra !== undefined) throw this.error(m, `expected "${kind} NAME"`);
      if (kind!.toLowerCase() === 'group-object') {
        const stale = this.staleGroup(arg, m);
        if (stale) return { expr: { kind: 'unknown', part: stale } };
        this.protocolGroupMembers(arg, m);
        return { group: arg };
      }
      const p = parseProtocol(arg);
      if (!p) throw this.error(m, `unknown protocol "${arg}"; expected ${PROTOCOL_FORMS}`);
      return { expr: p };
    });
    this.nesting.leave();
    this.protocolMembers.set(name, members);
    return members;
  }

  /**
   * Groups whose members don't matter to TCP/UDP flows (icmp-type) or can't be known from the config
   * (user, security): checked for existence, nesting and cycles only.
   */
  checkGroup(name: string, at: ConfigLine, kind: 'icmp-type' | 'user' | 'security', what: string): void {
    if (this.staleGroup(name, at)) return;
    const group = this.group(name, at, [kind], what);
    if (this.checkedGroups.has(name)) return;
    this.nesting.enter(name, at);
    for (const m of group.members) {
      if (m.words[0]!.toLowerCase() !== 'group-object') continue;
      if (m.words[1] === undefined || m.words.length > 2) throw this.error(m, 'expected "group-object NAME"');
      this.checkGroup(m.words[1], m, kind, what);
    }
    this.nesting.leave();
    this.checkedGroups.add(name);
  }

  /** Resolves every service object and group, so errors in unused ones are reported too. */
  checkAll(): void {
    for (const obj of this.tables.serviceObjects.values()) {
      if (obj.service) this.serviceObject(obj.name, obj.service);
    }
    for (const g of this.tables.groups.values()) {
      const at = { line: g.line, indent: 0, words: [] };
      if (g.kind === 'service') this.serviceGroupMembers(g.name, at);
      else if (g.kind === 'port') this.portGroupMembers(g.name, at);
      else if (g.kind === 'protocol') this.protocolGroupMembers(g.name, at);
      else if (g.kind !== 'network') this.checkGroup(g.name, at, g.kind, `a ${g.kind} group`);
    }
  }
}
