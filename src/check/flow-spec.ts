import type { Flow } from '../model/flow.js';
import { parseAddress, parseCidr } from '../model/ip.js';
import { isValidHostName, normalizeHost } from '../model/names.js';
import type { Protocol } from '../model/service.js';
import { UsageError } from './usage-error.js';

const SPEC = /^(?:\[(?<v6>[^\]]+)\]|(?<host>[^:[\]]+)):(?<port>\d{1,5})\/(?<proto>[a-zA-Z]+)$/;

/**
 * Parses `--flow HOST:PORT/PROTO`. HOST is `*` (any internet destination), a host name, an IPv4 address
 * or CIDR, or a bracketed IPv6 address or CIDR (`[2001:db8::/32]:3478/udp`); addresses become the flow's
 * destination set, as relay addresses do.
 */
export function parseFlowSpec(text: string): Flow {
  const m = SPEC.exec(text.trim());
  if (!m?.groups)
    throw new UsageError(`--flow "${text}": expected HOST:PORT/PROTO, e.g. cdn.kognitivspark.net:443/tcp`);
  const port = Number(m.groups.port);
  if (port < 1 || port > 65535) throw new UsageError(`--flow "${text}": port ${port} is outside 1-65535`);
  const proto = m.groups.proto!.toLowerCase();
  if (proto !== 'tcp' && proto !== 'udp')
    throw new UsageError(`--flow "${text}": protocol must be tcp or udp`);
  const base = {
    role: 'custom',
    roleLabel: 'Custom flow',
    port,
    protocol: proto as Protocol,
    severity: 'required' as const,
    provenance: { source: 'command line (--flow)', verified: true },
  };
  const hostText = m.groups.v6 ?? m.groups.host!;
  if (hostText === '*') return { ...base, host: '*' };
  const looksLikeAddress = m.groups.v6 !== undefined || /^[\d./]+$/.test(hostText);
  if (looksLikeAddress) {
    try {
      const set = parseCidr(hostText);
      if (!hostText.includes('/')) parseAddress(hostText);
      return { ...base, host: hostText, relays: { set, text: [hostText] } };
    } catch (e) {
      throw new UsageError(`--flow "${text}": ${(e as Error).message}`);
    }
  }
  if (!isValidHostName(hostText))
    throw new UsageError(`--flow "${text}": "${hostText}" is not a valid host name`);
  return { ...base, host: normalizeHost(hostText) };
}
