import type { AddressExpr } from '../../model/address.js';
import type { UnknownPart } from '../../model/location.js';
import type { Action } from '../../model/policy.js';
import type { PortRange, ServiceExpr } from '../../model/service.js';
import type { AddressResolver } from './addresses.js';
import { lineError, type ConfigCommand, type ConfigLine } from './config-lines.js';
import { PORT_OPERATORS } from './ports.js';
import {
  ICMP,
  ICMP6,
  PORT_PROTOCOL_NAMES,
  parseProtocol,
  PROTOCOL_FORMS,
  type AsaProtocol,
} from './protocols.js';
import { protocolService, type PortMatch, type ServiceResolver } from './services.js';
import { unionServiceExprs } from '../../model/service.js';

export type AclType = 'extended' | 'standard' | 'ethertype' | 'webtype';

/** One access control entry of an extended ACL, resolved. */
export interface Ace {
  acl: string;
  /** The ACE's line number within its ACL as the ASA counts it (`show access-list`): remarks count too. */
  aclLine: number;
  /** Line in the file. */
  line: number;
  /** The ACE as written, without `inactive` or a `line N` position: its identity across revisions. */
  text: string;
  /** The source address as written (`object-group CLIENTS`, `10.0.0.0 255.0.0.0`, `any4` ...). */
  sourceText: string;
  action: Action;
  enabled: boolean;
  sources: AddressExpr;
  destinations: AddressExpr;
  services: ServiceExpr;
  conditions: UnknownPart[];
}

export interface AccessList {
  name: string;
  /** Undefined while the ACL holds only remarks. */
  type?: AclType;
  line: number;
  aces: Ace[];
  /** Lines of the list, remarks included (the next ACE gets `count + 1`). */
  count: number;
  /** Each line of the list in order (index + 1 is its ACL line): its file line and whether it is a remark. */
  entries: { line: number; remark: boolean }[];
}

const LOG_LEVELS = new Set([
  'emergencies',
  'alerts',
  'critical',
  'errors',
  'warnings',
  'notifications',
  'informational',
  'debugging',
]);

/** Words that end the address/port part of an ACE and start its options. */
const OPTION_WORDS = new Set(['log', 'time-range', 'inactive']);

interface AceContext {
  path: string;
  addresses: AddressResolver;
  services: ServiceResolver;
}

/** The protocol part of an ACE: protocols to combine with ports, or a complete service. */
type ProtocolPart =
  { kind: 'protocols'; list: readonly AsaProtocol[] } | { kind: 'service'; expr: ServiceExpr };

/**
 * Reads every `access-list` command into ACLs, in file order. Syntax: "Cisco ASA Series Command Reference",
 * access-list extended / access-list remark / access-list standard / access-list ethertype / access-list
 * webtype, and "Cisco ASA Series Firewall CLI Configuration Guide", "Access Control Lists":
 *
 * access-list NAME extended {deny | permit} PROTOCOL [USER] [SECURITY_GROUP] SOURCE [PORT]
 *   [SECURITY_GROUP] DESTINATION [PORT | ICMP_TYPE] [log [[LEVEL] [interval SECS] | disable | default]]
 *   [time-range NAME] [inactive]
 *
 * with PROTOCOL a name, a number, `object-group PROTOCOL_OR_SERVICE_GROUP` or `object SERVICE_OBJECT`.
 */
export function readAccessLists(
  commands: readonly ConfigCommand[],
  ctx: AceContext,
): Map<string, AccessList> {
  const lists = new Map<string, AccessList>();
  for (const cmd of commands) {
    const [, name, typeWord] = cmd.words;
    if (name === undefined || typeWord === undefined) {
      throw lineError(
        ctx.path,
        cmd,
        'incomplete "access-list" line; expected "access-list NAME extended|standard|remark ..."',
      );
    }
    let list = lists.get(name);
    if (!list) {
      list = { name, line: cmd.line, aces: [], count: 0, entries: [] };
      lists.set(name, list);
    }
    const type = typeWord.toLowerCase();
    if (type === 'line') {
      throw lineError(
        ctx.path,
        cmd,
        '"access-list NAME line N" inserts at a position; a saved configuration lists ACEs in order without line numbers',
      );
    }
    list.count++;
    list.entries.push({ line: cmd.line, remark: type === 'remark' });
    if (type === 'remark') continue;
    if (type !== 'extended' && type !== 'standard' && type !== 'ethertype' && type !== 'webtype') {
      throw lineError(
        ctx.path,
        cmd,
        `unknown access-list type "${typeWord}"; expected extended, standard, remark, ethertype or webtype`,
      );
    }
    if (list.type !== undefined && list.type !== type) {
      throw lineError(
        ctx.path,
        cmd,
        `access-list "${name}" is ${list.type} (line ${list.line}); it can't also have ${type} entries`,
      );
    }
    list.type = type;
    if (type !== 'extended') continue;
    list.aces.push(readExtendedAce(cmd, name, list.count, ctx));
  }
  return lists;
}

function aceText(words: readonly string[]): string {
  const w = words.filter((x) => x !== 'inactive');
  return (w[2] === 'line' ? [...w.slice(0, 2), ...w.slice(4)] : w).join(' ');
}

function readExtendedAce(at: ConfigCommand, acl: string, aclLine: number, ctx: AceContext): Ace {
  const words = at.words;
  const err = (message: string) => lineError(ctx.path, at, message);
  const actionWord = words[3]?.toLowerCase();
  if (actionWord !== 'permit' && actionWord !== 'deny') {
    throw err(`expected permit or deny after "access-list ${acl} extended", not "${words[3] ?? ''}"`);
  }
  let i = 4;
  const protocol = readProtocolPart(words, i, at, ctx);
  i = protocol.next;
  const conditions: UnknownPart[] = [];
  i = readIdentity(words, i, at, ctx, conditions);
  const srcStart = i;
  const src = ctx.addresses.aceAddress(words, i, at, 'source');
  i = src.next;
  const ports: PortMatch = {};
  const protocols = protocol.part.kind === 'protocols' ? protocol.part.list : [];
  const protocolUnknown = protocols.some((p) => p.kind === 'unknown');
  const portsAllowed =
    protocolUnknown || protocols.some((p) => p.kind === 'number' && PORT_PROTOCOL_NAMES.has(p.number));
  const srcPorts = readPorts(words, i, at, ctx, portsAllowed, 'source');
  if (srcPorts) {
    ports.source = srcPorts.ports;
    if (srcPorts.unknown) ports.unknown = srcPorts.unknown;
    i = srcPorts.next;
  }
  i = readSecurityGroup(words, i, at, ctx, conditions);
  const dst = ctx.addresses.aceAddress(words, i, at, 'destination');
  i = dst.next;
  const dstPorts = readPorts(words, i, at, ctx, portsAllowed, 'destination');
  if (dstPorts) {
    ports.destination = dstPorts.ports;
    if (dstPorts.unknown) ports.unknown ??= dstPorts.unknown;
    i = dstPorts.next;
  } else if (protocolUnknown || isIcmpOnly(protocols)) {
    i = skipIcmpType(words, i, at, ctx);
  }
  let enabled = true;
  while (i < words.length) {
    const w = words[i]!.toLowerCase();
    if (w === 'inactive') {
      enabled = false;
      i++;
    } else if (w === 'time-range') {
      const range = words[i + 1];
      if (range === undefined) throw err('"time-range" without a name');
      conditions.push({
        reason: `time-range "${range}": the rule applies only at the times it sets`,
        location: { path: ctx.path, line: at.line },
      });
      i += 2;
    } else if (w === 'log') {
      i = skipLogOptions(words, i + 1);
    } else {
      const expected =
        portsAllowed || protocol.part.kind === 'service' ? '' : ' (ports only go with tcp, udp or sctp)';
      throw err(
        `unexpected "${words[i]}"${expected}; expected log, time-range or inactive at the end of the ACE`,
      );
    }
  }
  const services =
    protocol.part.kind === 'service'
      ? protocol.part.expr
      : unionServiceExprs(
          protocol.part.list.map((p) =>
            protocolService(p, ports, (reason) => ctx.services.unknownPart(at, reason)),
          ),
        );
  return {
    acl,
    aclLine,
    line: at.line,
    text: aceText(at.words),
    sourceText: words.slice(srcStart, src.next).join(' '),
    action: actionWord === 'permit' ? 'allow' : 'deny',
    enabled,
    sources: src.expr,
    destinations: dst.expr,
    services,
    conditions,
  };
}

function readProtocolPart(
  words: readonly string[],
  i: number,
  at: ConfigLine,
  ctx: AceContext,
): { part: ProtocolPart; next: number } {
  const w = words[i];
  if (w === undefined) throw lineError(ctx.path, at, `the protocol is missing; expected ${PROTOCOL_FORMS}`);
  const lower = w.toLowerCase();
  const name = words[i + 1];
  if (lower === 'object-group') {
    if (name === undefined) throw lineError(ctx.path, at, '"object-group" without a name for the protocol');
    // An undefined protocol or service group: the ACE's protocol is unknown, and ports may follow.
    const stale = ctx.services.staleGroup(name, at);
    if (stale) return { part: { kind: 'protocols', list: [{ kind: 'unknown', part: stale }] }, next: i + 2 };
    const group = ctx.services.group(name, at, ['protocol', 'service'], 'a protocol or service group');
    if (group.kind === 'protocol') {
      return { part: { kind: 'protocols', list: ctx.services.protocolGroup(name, at) }, next: i + 2 };
    }
    return { part: { kind: 'service', expr: ctx.services.serviceGroup(name, at) }, next: i + 2 };
  }
  if (lower === 'object') {
    if (name === undefined) throw lineError(ctx.path, at, '"object" without a name for the service');
    return { part: { kind: 'service', expr: ctx.services.serviceObject(name, at) }, next: i + 2 };
  }
  const p = parseProtocol(w);
  if (!p) throw lineError(ctx.path, at, `unknown protocol "${w}"; expected ${PROTOCOL_FORMS}`);
  if (p.kind === 'number' && p.number === 0) {
    // Protocol 0 is shown by some releases as "ip"; which one the device means can't be told.
    return {
      part: {
        kind: 'service',
        expr: {
          kind: 'unknown',
          part: ctx.services.unknownPart(at, 'protocol number 0 (the ASA may read it as "ip")'),
        },
      },
      next: i + 1,
    };
  }
  return { part: { kind: 'protocols', list: [p] }, next: i + 1 };
}

/**
 * User and TrustSec arguments before the source: the ASA matches them against identity mappings learned at
 * run time ("Access Control Lists": user_argument, security_group_argument), so the rule "may" match.
 */
function readIdentity(
  words: readonly string[],
  i: number,
  at: ConfigLine,
  ctx: AceContext,
  out: UnknownPart[],
): number {
  for (;;) {
    const w = words[i]?.toLowerCase();
    if (w === 'user' || w === 'user-group' || w === 'object-group-user') {
      const arg = words[i + 1];
      if (arg === undefined) throw lineError(ctx.path, at, `"${words[i]}" without a name`);
      if (w === 'object-group-user') ctx.services.checkGroup(arg, at, 'user', 'a user group');
      out.push({
        reason: `user identity (${words[i]} ${arg}): the ASA matches it against user-to-address mappings learned at run time`,
        location: { path: ctx.path, line: at.line },
      });
      i += 2;
      continue;
    }
    const next = readSecurityGroup(words, i, at, ctx, out);
    if (next === i) return i;
    i = next;
  }
}

function readSecurityGroup(
  words: readonly string[],
  i: number,
  at: ConfigLine,
  ctx: AceContext,
  out: UnknownPart[],
): number {
  const w = words[i]?.toLowerCase();
  const location = { path: ctx.path, line: at.line };
  if (w === 'security-group') {
    const kind = words[i + 1]?.toLowerCase();
    const arg = words[i + 2];
    if ((kind !== 'name' && kind !== 'tag') || arg === undefined) {
      throw lineError(ctx.path, at, 'expected "security-group name NAME" or "security-group tag NUMBER"');
    }
    out.push({ reason: `TrustSec security group (${kind} ${arg}): assigned at run time`, location });
    return i + 3;
  }
  if (w === 'object-group-security') {
    const arg = words[i + 1];
    if (arg === undefined) throw lineError(ctx.path, at, '"object-group-security" without a name');
    ctx.services.checkGroup(arg, at, 'security', 'a security group');
    out.push({
      reason: `TrustSec security group (object-group-security ${arg}): assigned at run time`,
      location,
    });
    return i + 2;
  }
  return i;
}

/** A port operator or `object-group PORT_GROUP` at `words[i]`, when the protocol carries ports. */
function readPorts(
  words: readonly string[],
  i: number,
  at: ConfigLine,
  ctx: AceContext,
  allowed: boolean,
  position: 'source' | 'destination',
): { ports: readonly PortRange[]; unknown?: UnknownPart; next: number } | undefined {
  const w = words[i]?.toLowerCase();
  if (w === undefined) return undefined;
  if (PORT_OPERATORS.has(w)) {
    if (!allowed)
      throw lineError(
        ctx.path,
        at,
        `"${words[i]}": ports only go with tcp, udp or sctp (or a protocol group holding them)`,
      );
    return ctx.services.portOperator(words, i, at);
  }
  if (w === 'object-group' && allowed && words[i + 1] !== undefined) {
    const name = words[i + 1]!;
    if (!ctx.services.hasGroup(name)) {
      if (position === 'source' && undefinedGroupIsDestination(words, i, ctx)) return undefined;
      const unknown = ctx.services.staleGroup(name, at);
      if (unknown) return { ports: [], unknown, next: i + 2 };
    }
    const def = ctx.services.group(
      words[i + 1]!,
      at,
      ['network', 'port', 'icmp-type'],
      'a network or port group',
    );
    if (def.kind === 'port') return { ports: ctx.services.portGroup(def.name, at).ports, next: i + 2 };
  }
  return undefined;
}

/**
 * Whether an undefined `object-group Y` right after the source address is the destination rather than the
 * source port group: it is when nothing, an option or a port operator follows, or a group that is no
 * network group. When both could be (`object-group Y object-group Z`, Z undefined too), reading Y as the
 * ports and Z as the destination gives the same unknown match as the other way round.
 */
function undefinedGroupIsDestination(words: readonly string[], i: number, ctx: AceContext): boolean {
  const next = words[i + 2]?.toLowerCase();
  if (next === undefined || OPTION_WORDS.has(next) || PORT_OPERATORS.has(next)) return true;
  if (next !== 'object-group') return false;
  const kind = ctx.services.groupKind(words[i + 3] ?? '');
  return kind !== undefined && kind !== 'network';
}

function isIcmpOnly(list: readonly AsaProtocol[]): boolean {
  return (
    list.length > 0 && list.every((p) => p.kind === 'number' && (p.number === ICMP || p.number === ICMP6))
  );
}

/** `ICMP_TYPE [CODE]` or `object-group ICMP_GROUP` after the destination of an ICMP ACE. */
function skipIcmpType(words: readonly string[], i: number, at: ConfigLine, ctx: AceContext): number {
  const w = words[i];
  if (w === undefined || OPTION_WORDS.has(w.toLowerCase())) return i;
  if (w.toLowerCase() === 'object-group') {
    const name = words[i + 1];
    if (name === undefined) throw lineError(ctx.path, at, '"object-group" without a name for the ICMP type');
    ctx.services.checkGroup(name, at, 'icmp-type', 'an icmp-type group');
    return i + 2;
  }
  i++;
  if (words[i] !== undefined && /^\d{1,3}$/.test(words[i]!)) i++;
  return i;
}

/** `log [LEVEL] [interval SECS]`, `log disable`, `log default`. */
function skipLogOptions(words: readonly string[], i: number): number {
  const w = words[i]?.toLowerCase();
  if (w === 'disable' || w === 'default') return i + 1;
  if (w !== undefined && (LOG_LEVELS.has(w) || /^[0-7]$/.test(w))) i++;
  if (words[i]?.toLowerCase() === 'interval' && words[i + 1] !== undefined) i += 2;
  return i;
}
