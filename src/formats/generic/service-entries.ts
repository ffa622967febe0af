import { oddNumberLiteral } from '../../input/number-literal.js';
import { ANY_SERVICE, type ServiceExpr } from '../../model/service.js';
import { EntryError, GROUP_NAME } from './entry-error.js';

/** Protocols that carry ports, with their IP protocol numbers. */
const PORT_PROTOCOLS = new Map([
  ['tcp', 6],
  ['udp', 17],
  ['sctp', 132],
]);
/** Whole IP protocols by name. */
const NAMED_PROTOCOLS = new Map([
  ['icmp', 1],
  ['icmp6', 58],
  ['ipv6-icmp', 58],
]);

/** Words that are service entries themselves, so no service group may be named after them. */
export const RESERVED_SERVICE_NAMES: readonly string[] = [
  'any',
  'ip',
  ...PORT_PROTOCOLS.keys(),
  ...NAMED_PROTOCOLS.keys(),
];

export const SERVICE_FORMS =
  'any, tcp, udp, sctp, icmp, icmp6, PROTO/PORT (tcp/443), PROTO/LOW-HIGH (udp/8000-8100) with PROTO tcp, udp or sctp, ip/NUMBER (ip/47) or a service group name';

/** A number in another notation (0x50, 080, 80.0, -0, 1e999, .nan) named as what it is. */
function oddPort(text: string): string | undefined {
  return text !== '' && (!Number.isNaN(Number(text)) || /^[-+]?\.?nan$/i.test(text))
    ? oddNumberLiteral(text)
    : undefined;
}

function parsePort(text: string, entry: string): number {
  const odd = oddPort(text);
  if (odd) throw new EntryError(`"${entry}": ${odd}, not a port; expected a decimal number 0-65535`);
  if (!/^\d{1,10}$/.test(text))
    throw new EntryError(`"${entry}": "${text}" is not a port; expected a number 0-65535`);
  const port = Number(text);
  if (port > 65535) throw new EntryError(`port ${port} in "${entry}" is out of range 0-65535`);
  return port;
}

/**
 * Parses one service entry (not a group name; the caller looks those up first). Throws EntryError with
 * the forms that were expected.
 */
export function parseServiceEntry(raw: string): ServiceExpr {
  const text = raw.trim();
  const lower = text.toLowerCase();
  if (lower === '') throw new EntryError(`empty service entry; expected ${SERVICE_FORMS}`);
  if (lower === 'any') return ANY_SERVICE;
  const slash = lower.indexOf('/');
  const proto = slash < 0 ? lower : lower.slice(0, slash);
  const rest = slash < 0 ? undefined : text.slice(slash + 1);

  const portProto = PORT_PROTOCOLS.get(proto);
  if (portProto !== undefined) {
    if (rest === undefined) return { kind: 'protocol', number: portProto };
    // A signed number (-0, -5, +80) is one port written oddly, not a range.
    const m = oddPort(rest) ? [rest, rest] : /^([^-]*)(?:-(.*))?$/.exec(rest)!;
    const lo = parsePort(m[1]!, text);
    const hi = m[2] === undefined ? lo : parsePort(m[2], text);
    if (lo > hi)
      throw new EntryError(`port range "${text}" ends before it starts; expected LOW-HIGH with LOW <= HIGH`);
    return { kind: 'ports', protocol: proto, ports: [[lo, hi]] };
  }
  const named = NAMED_PROTOCOLS.get(proto);
  if (named !== undefined) {
    if (rest !== undefined) throw new EntryError(`"${text}": ${proto} has no ports; write just "${proto}"`);
    return { kind: 'protocol', number: named };
  }
  if (proto === 'ip') {
    if (rest === undefined || !/^\d{1,3}$/.test(rest) || Number(rest) > 255) {
      throw new EntryError(`"${text}": expected ip/NUMBER with an IP protocol number 0-255, e.g. ip/47`);
    }
    return { kind: 'protocol', number: Number(rest) };
  }
  if (rest === undefined && GROUP_NAME.test(text)) {
    throw new EntryError(
      `undefined service group "${text}"; define it under "services", or use ${SERVICE_FORMS}`,
    );
  }
  throw new EntryError(`unknown service "${text}"; expected ${SERVICE_FORMS}`);
}
