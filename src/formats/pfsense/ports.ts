import type { PortRange } from '../../model/service.js';

/** Service names the GUI offers (and getservbyname knows) that configs carry instead of numbers. */
const NAMED: Record<string, number> = {
  ftp: 21,
  ssh: 22,
  telnet: 23,
  smtp: 25,
  domain: 53,
  dns: 53,
  http: 80,
  www: 80,
  pop3: 110,
  ntp: 123,
  imap: 143,
  snmp: 161,
  ldap: 389,
  https: 443,
  submission: 587,
  imaps: 993,
  pop3s: 995,
  'ms-sql-s': 1433,
  openvpn: 1194,
  'ms-wbt-server': 3389,
  stun: 3478,
};

function port(text: string): number | undefined {
  if (/^\d{1,5}$/.test(text)) {
    const n = Number(text);
    return n <= 65535 ? n : undefined;
  }
  return NAMED[text.toLowerCase()];
}

/** `443`, `1000-2000`, `1000:2000` or a service name; undefined when it is none of them. */
export function parsePortSpec(text: string): PortRange | undefined {
  const t = text.trim();
  const m = /^([^:-]+)[:-]([^:-]+)$/.exec(t);
  if (m) {
    const lo = port(m[1]!);
    const hi = port(m[2]!);
    return lo !== undefined && hi !== undefined && lo <= hi ? [lo, hi] : undefined;
  }
  const p = port(t);
  return p === undefined ? undefined : [p, p];
}
