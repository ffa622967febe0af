import type { PortRange } from '../../model/service.js';

/**
 * The port literals the ASA accepts in place of numbers: "Cisco ASA Series General Operations Configuration
 * Guide", chapter "Addresses, Protocols, and Ports", section "TCP and UDP Ports"
 * (https://www.cisco.com/c/en/us/td/docs/security/asa/asa922/configuration/general/asa-922-general-config/ref-ports.html).
 * Note the ASA's own values where they differ from IANA: `kerberos` is 750, `radius` 1645, `radius-acct`
 * 1646, `sqlnet` 1521, `cifs` 3020, `aol` 5190.
 */
const PORT_LITERALS: ReadonlyMap<string, number> = new Map([
  ['aol', 5190],
  ['bgp', 179],
  ['biff', 512],
  ['bootpc', 68],
  ['bootps', 67],
  ['chargen', 19],
  ['cifs', 3020],
  ['citrix-ica', 1494],
  ['cmd', 514],
  ['ctiqbe', 2748],
  ['daytime', 13],
  ['discard', 9],
  ['dnsix', 195],
  ['domain', 53],
  ['echo', 7],
  ['exec', 512],
  ['finger', 79],
  ['ftp', 21],
  ['ftp-data', 20],
  ['gopher', 70],
  ['h323', 1720],
  ['hostname', 101],
  ['http', 80],
  ['https', 443],
  ['ident', 113],
  ['imap4', 143],
  ['irc', 194],
  ['isakmp', 500],
  ['kerberos', 750],
  ['klogin', 543],
  ['kshell', 544],
  ['ldap', 389],
  ['ldaps', 636],
  ['login', 513],
  ['lotusnotes', 1352],
  ['lpd', 515],
  ['mobile-ip', 434],
  ['nameserver', 42],
  ['netbios-dgm', 138],
  ['netbios-ns', 137],
  ['netbios-ssn', 139],
  ['nfs', 2049],
  ['nntp', 119],
  ['ntp', 123],
  ['pcanywhere-data', 5631],
  ['pcanywhere-status', 5632],
  ['pim-auto-rp', 496],
  ['pop2', 109],
  ['pop3', 110],
  ['pptp', 1723],
  ['radius', 1645],
  ['radius-acct', 1646],
  ['rip', 520],
  ['rsh', 514],
  ['rtsp', 554],
  ['secureid-udp', 5510],
  ['sip', 5060],
  ['smtp', 25],
  ['snmp', 161],
  ['snmptrap', 162],
  ['sqlnet', 1521],
  ['ssh', 22],
  ['sunrpc', 111],
  ['syslog', 514],
  ['tacacs', 49],
  ['talk', 517],
  ['telnet', 23],
  ['tftp', 69],
  ['time', 37],
  ['uucp', 540],
  ['vxlan', 4789],
  ['who', 513],
  ['whois', 43],
  ['www', 80],
  ['xdmcp', 177],
]);

export class PortSyntaxError extends Error {}

/** A port number (0-65535) or one of the ASA's port literals. */
export function parsePort(word: string | undefined): number {
  if (word === undefined) throw new PortSyntaxError('a port is missing; expected a number 0-65535 or a name');
  if (/^\d{1,10}$/.test(word)) {
    const n = Number(word);
    if (n > 65535) throw new PortSyntaxError(`port ${n} is out of range 0-65535`);
    return n;
  }
  const named = PORT_LITERALS.get(word.toLowerCase());
  if (named === undefined) {
    throw new PortSyntaxError(
      `"${word}" is not a port; expected a number 0-65535 or an ASA port name (www, https, domain, ...)`,
    );
  }
  return named;
}

export const PORT_OPERATORS = new Set(['eq', 'neq', 'lt', 'gt', 'range']);

/**
 * Reads `eq P`, `neq P`, `lt P`, `gt P` or `range P1 P2` at `words[at]` (the ASA's port operators,
 * "access-list extended" in the Cisco ASA Series Command Reference) into port ranges; returns them and
 * the index after the operator's arguments.
 */
export function parsePortOperator(
  words: readonly string[],
  at: number,
): { ports: PortRange[]; next: number } {
  const op = words[at]!.toLowerCase();
  const p = parsePort(words[at + 1]);
  switch (op) {
    case 'eq':
      return { ports: [[p, p]], next: at + 2 };
    case 'neq': {
      const ports: PortRange[] = [];
      if (p > 0) ports.push([0, p - 1]);
      if (p < 65535) ports.push([p + 1, 65535]);
      return { ports, next: at + 2 };
    }
    case 'lt':
      if (p === 0) throw new PortSyntaxError('"lt 0" matches no port');
      return { ports: [[0, p - 1]], next: at + 2 };
    case 'gt':
      if (p === 65535) throw new PortSyntaxError('"gt 65535" matches no port');
      return { ports: [[p + 1, 65535]], next: at + 2 };
    case 'range': {
      const hi = parsePort(words[at + 2]);
      if (hi < p) throw new PortSyntaxError(`port range "${p} ${hi}" ends before it starts`);
      return { ports: [[p, hi]], next: at + 3 };
    }
    default:
      throw new PortSyntaxError(`"${op}" is not a port operator; expected eq, neq, lt, gt or range`);
  }
}
