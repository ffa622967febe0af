import {
  type PortRange,
  type ServiceExpr,
  intersectServiceExprs,
  unionServiceExprs,
} from '../../model/service.js';
import { oddNumberLiteral } from '../../input/number-literal.js';
import { locationOf, unresolvedReason } from './address-entries.js';
import { preview, Unresolved } from './arm-values.js';
import type { View } from './view.js';

const MAX_PORT = 65535;

function unknownService(reason: string, view: View): ServiceExpr {
  return { kind: 'unknown', part: { reason, location: locationOf(view) } };
}

/** A bad value: an error where written literally, unknown where it came from a parameter's default. */
function badService(view: View, message: string): ServiceExpr {
  const params = [...view.parameters()];
  if (params.length === 0) throw view.error(message);
  return unknownService(
    `${message} (from the default of parameter ${params.map((p) => `'${p}'`).join(', ')}; a deployment supplies the real value)`,
    view,
  );
}

type Port = { ranges: PortRange[] } | { unknown: ServiceExpr };

/** A port written as a JSON number other than a plain integer (`-0`, `1e999`, `80.0`): what it is. */
function oddPort(view: View, v: unknown): string | undefined {
  if (typeof v !== 'number') return undefined;
  const source = view.site.doc.numberSource(view.site.path);
  return source !== undefined && Object.is(Number(source), v) ? oddNumberLiteral(source) : undefined;
}

/** `*`, `443`, `8000-8100`: one destination port entry of a network or DNAT rule. */
function portEntry(view: View, role: string): Port {
  const v = view.scalar(role);
  if (v instanceof Unresolved) return { unknown: unknownService(unresolvedReason(view, role, v), view) };
  const odd = oddPort(view, v);
  if (odd) {
    return {
      unknown: badService(
        view,
        `${role}: ${odd}; expected *, a port 0-${MAX_PORT} written as a plain integer, or a range like 8000-8100`,
      ),
    };
  }
  const text = String(v).trim();
  if (text === '*') return { ranges: [[0, MAX_PORT]] };
  const m = /^(\d{1,5})(?:\s*-\s*(\d{1,5}))?$/.exec(text);
  const lo = m ? Number(m[1]) : NaN;
  const hi = m?.[2] !== undefined ? Number(m[2]) : lo;
  if (!m || lo > MAX_PORT || hi > MAX_PORT || lo > hi) {
    return {
      unknown: badService(
        view,
        `${role}: bad port ${preview(text)}; expected *, a port 0-${MAX_PORT} or a range like 8000-8100 (low <= high)`,
      ),
    };
  }
  return { ranges: [[lo, hi]] };
}

const IP_PROTOCOLS = ['TCP', 'UDP', 'ICMP', 'ANY'] as const;

/**
 * The services of a network or DNAT rule: `ipProtocols` (TCP, UDP, ICMP, Any) x `destinationPorts`. Ports
 * apply to TCP and UDP; ICMP has none; Any is TCP, UDP and ICMP ("Azure Firewall policy rule sets",
 * https://learn.microsoft.com/azure/firewall/policy-rule-sets; the REST API's FirewallPolicyRuleNetworkProtocol).
 */
export function networkServices(
  protocols: View[],
  ports: View[],
  portsView: View,
  rule: string,
): ServiceExpr {
  const names = new Set<string>();
  const members: ServiceExpr[] = [];
  const portList = ports.map((p) => portEntry(p, 'destinationPorts'));
  const ranges = portList.flatMap((p) => ('ranges' in p ? p.ranges : []));
  const unknowns = portList.flatMap((p) => ('unknown' in p ? [p.unknown] : []));
  for (const view of protocols) {
    const v = view.text('ipProtocols');
    if (v instanceof Unresolved) {
      members.push(unknownService(unresolvedReason(view, 'IP protocol', v), view));
      continue;
    }
    const name = v.trim().toUpperCase();
    if (!(IP_PROTOCOLS as readonly string[]).includes(name)) {
      const params = [...view.parameters()];
      if (params.length === 0) {
        throw view.error(`ipProtocols: unknown protocol ${preview(v)}; expected TCP, UDP, ICMP or Any`);
      }
      members.push(badService(view, `ipProtocols: unknown protocol ${preview(v)}`));
      continue;
    }
    names.add(name);
  }
  const tcpUdp = names.has('ANY')
    ? ['tcp', 'udp']
    : [...names].filter((n) => n !== 'ICMP').map((n) => n.toLowerCase());
  if (tcpUdp.length > 0 && ports.length === 0) {
    throw portsView.error(
      `rule "${rule}": no destinationPorts; a TCP or UDP rule needs at least one port, e.g. ["443"] or ["*"]`,
    );
  }
  for (const protocol of tcpUdp) {
    if (ranges.length > 0) members.push({ kind: 'ports', protocol, ports: ranges });
    for (const u of unknowns)
      members.push(intersectServiceExprs({ kind: 'protocol', number: protocol === 'tcp' ? 6 : 17 }, u));
  }
  if (names.has('ICMP') || names.has('ANY')) members.push({ kind: 'protocol', number: 1 });
  if (members.length === 0) return { kind: 'union', members: [] };
  return unionServiceExprs(members);
}

/** The standard port of each application protocol: there the protocol is what the port carries. */
const STANDARD_PORT: Record<string, number> = { http: 80, https: 443, mssql: 1433 };

/**
 * The services of an application rule: `protocols` [{protocolType: Http|Https|Mssql, port}], TCP only.
 * "If there's no network rule match, and if the protocol is HTTP, HTTPS, or MSSQL, then the packet is then
 * evaluated by the application rules" ("Azure Firewall rule processing logic",
 * https://learn.microsoft.com/azure/firewall/rule-processing). On the protocol's standard port (80, 443,
 * 1433) the reader takes the traffic to be that protocol; on another port, whether a flow's traffic is
 * HTTP/TLS/TDS can't be told, so the rule only may match there.
 */
export function applicationServices(protocols: View[]): ServiceExpr {
  const members: ServiceExpr[] = [];
  for (const view of protocols) {
    let type: string | Unresolved;
    let port: string | number | Unresolved;
    if (typeof view.raw === 'string' && !view.isExpression()) {
      // PowerShell / CLI shorthand "Https:443".
      const m = /^\s*([A-Za-z]+)\s*:\s*(\d{1,5})\s*$/.exec(view.raw);
      if (!m)
        throw view.error(`protocols: ${preview(view.raw)}; expected {"protocolType": "Https", "port": 443}`);
      type = m[1]!;
      port = Number(m[2]);
    } else {
      const t = view.get('protocolType', 'protocols[]');
      const p = view.get('port', 'protocols[]');
      if (!t) throw view.error('protocols[]: missing "protocolType" (Http, Https or Mssql)');
      if (!p) throw view.error('protocols[]: missing "port"');
      type = t.text('protocolType');
      port = p.scalar('port');
      if (port instanceof Unresolved) {
        members.push(unknownService(unresolvedReason(p, 'application rule port', port), p));
        continue;
      }
      const odd = oddPort(p, port);
      if (odd) {
        members.push(badService(p, `protocols[].port: ${odd}; expected a port 1-${MAX_PORT}`));
        continue;
      }
      if (typeof port === 'string' && !/^\d{1,5}$/.test(port.trim())) {
        members.push(badService(p, `protocols[].port: bad port ${preview(port)}; expected 1-${MAX_PORT}`));
        continue;
      }
    }
    if (type instanceof Unresolved) {
      members.push(unknownService(unresolvedReason(view, 'application protocol', type), view));
      continue;
    }
    const n = Number(port);
    if (!Number.isInteger(n) || n < 1 || n > MAX_PORT) {
      throw view.error(`protocols[].port: bad port ${preview(port)}; expected 1-${MAX_PORT}`);
    }
    const kind = type.trim().toLowerCase();
    if (!(kind in STANDARD_PORT)) {
      throw view.error(`protocols[].protocolType: ${preview(type)}; expected Http, Https or Mssql`);
    }
    const tcp: ServiceExpr = { kind: 'ports', protocol: 'tcp', ports: [[n, n]] };
    if (STANDARD_PORT[kind] === n) {
      members.push(tcp);
    } else {
      members.push(
        intersectServiceExprs(
          tcp,
          unknownService(
            `application rule protocol ${type}:${n}: it matches only ${type.toUpperCase()} traffic on port ${n}, and whether a flow's traffic on that port is ${type.toUpperCase()} can't be told from the config`,
            view,
          ),
        ),
      );
    }
  }
  if (members.length === 0) return { kind: 'union', members: [] };
  return unionServiceExprs(members);
}
