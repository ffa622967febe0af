/**
 * Names nft accepts for numbers. Protocol and service names are resolved by nft with the C library
 * (getprotobyname, getservbyname: /etc/protocols, /etc/services); these are the entries Debian's netbase
 * ships for the common ones. A name not listed here is read as unknown, never guessed.
 */
export const PROTOCOLS: Record<string, number> = {
  hopopt: 0,
  icmp: 1,
  igmp: 2,
  ipencap: 4,
  ipip: 4,
  tcp: 6,
  egp: 8,
  udp: 17,
  ipv6: 41,
  'ipv6-route': 43,
  'ipv6-frag': 44,
  rsvp: 46,
  gre: 47,
  esp: 50,
  ah: 51,
  icmpv6: 58,
  'ipv6-icmp': 58,
  'ipv6-nonxt': 59,
  'ipv6-opts': 60,
  ospf: 89,
  pim: 103,
  comp: 108,
  vrrp: 112,
  l2tp: 115,
  sctp: 132,
  udplite: 136,
  dccp: 33,
};

export const SERVICES: Record<string, number> = {
  ftp: 21,
  ssh: 22,
  telnet: 23,
  smtp: 25,
  domain: 53,
  bootps: 67,
  bootpc: 68,
  tftp: 69,
  http: 80,
  kerberos: 88,
  pop3: 110,
  sunrpc: 111,
  ntp: 123,
  'netbios-ns': 137,
  'netbios-ssn': 139,
  imap2: 143,
  snmp: 161,
  ldap: 389,
  https: 443,
  'microsoft-ds': 445,
  submissions: 465,
  isakmp: 500,
  syslog: 514,
  submission: 587,
  ldaps: 636,
  'domain-s': 853,
  rsync: 873,
  imaps: 993,
  pop3s: 995,
  openvpn: 1194,
  'ms-sql-s': 1433,
  radius: 1812,
  nfs: 2049,
  mysql: 3306,
  'ms-wbt-server': 3389,
  'ipsec-nat-t': 4500,
  sip: 5060,
  'sip-tls': 5061,
  'xmpp-client': 5222,
  postgresql: 5432,
  'http-alt': 8080,
};

/** Conntrack states (nft(8), "CONNTRACK TYPES", ct_state). The first packet of a flow is `new`. */
export const CT_STATES = new Set(['invalid', 'established', 'related', 'new', 'untracked']);

/** TCP flag bits (nft(8), "PAYLOAD EXPRESSIONS", tcp_flag). */
export const TCP_FLAGS: Record<string, number> = {
  fin: 0x01,
  syn: 0x02,
  rst: 0x04,
  psh: 0x08,
  ack: 0x10,
  urg: 0x20,
  ecn: 0x40,
  cwr: 0x80,
};

/** The first packet of a TCP connection carries SYN alone. */
export const FIRST_TCP_FLAGS = TCP_FLAGS.syn!;

/** `meta protocol` (the ethertype) values naming an IP family. */
export const ETHERTYPES: Record<string, 'ipv4' | 'ipv6' | 'other'> = {
  ip: 'ipv4',
  ip6: 'ipv6',
  arp: 'other',
  vlan: 'other',
  '0x0800': 'ipv4',
  '0x86dd': 'ipv6',
};

/** Number of a name or decimal/hex numeral, else undefined. */
export function numberOf(text: string, names: Record<string, number>): number | undefined {
  if (/^\d+$/.test(text)) return Number(text);
  if (/^0x[0-9a-f]+$/i.test(text)) return Number.parseInt(text.slice(2), 16);
  return Object.prototype.hasOwnProperty.call(names, text) ? names[text] : undefined;
}
