import { type Block, parseConfigTree } from './config-tree.js';

/**
 * FortiOS's factory-default firewall objects: the ones a trimmed export (`show firewall policy` pasted with
 * a few objects) uses without defining them. Each row is a `config firewall service custom` entry as
 * FortiOS 6.2.3 itself prints its predefined services with `show` (../shared/corpus/fortigate/
 * fortios-6.2.3-show-single-vdom.txt; a test cross-checks the two when the corpus is there). The
 * long-standing ones agree with Fortinet's published table of predefined services and ports ("FortiGate
 * predefined services", FortiGate Administration Guide,
 * https://manualsdump.com/en/manuals/fortinet-fortigate-800/140738/201: DNS 53 TCP+UDP, HTTP 80, HTTPS 443,
 * GRE 47, AH 51, ESP 50 ...; "Services and TCP ports", FortiOS 6.0 Handbook,
 * https://docs.fortinet.com/document/fortigate/6.0.0/handbook/744287/services-and-tcp-ports). The web-proxy
 * service `webproxy` is left out: it applies to proxy policies only.
 */
const SERVICES: readonly (readonly string[])[] = [
  ['DNS', 'tcp-portrange 53', 'udp-portrange 53'],
  ['HTTP', 'tcp-portrange 80'],
  ['HTTPS', 'tcp-portrange 443'],
  ['IMAP', 'tcp-portrange 143'],
  ['IMAPS', 'tcp-portrange 993'],
  ['LDAP', 'tcp-portrange 389'],
  ['DCE-RPC', 'tcp-portrange 135', 'udp-portrange 135'],
  ['POP3', 'tcp-portrange 110'],
  ['POP3S', 'tcp-portrange 995'],
  ['SAMBA', 'tcp-portrange 139'],
  ['SMTP', 'tcp-portrange 25'],
  ['SMTPS', 'tcp-portrange 465'],
  ['KERBEROS', 'tcp-portrange 88 464', 'udp-portrange 88 464'],
  ['LDAP_UDP', 'udp-portrange 389'],
  ['SMB', 'tcp-portrange 445'],
  ['ALL', 'protocol IP'],
  ['ALL_TCP', 'tcp-portrange 1-65535'],
  ['ALL_UDP', 'udp-portrange 1-65535'],
  ['ALL_ICMP', 'protocol ICMP'],
  ['ALL_ICMP6', 'protocol ICMP6'],
  ['GRE', 'protocol IP', 'protocol-number 47'],
  ['AH', 'protocol IP', 'protocol-number 51'],
  ['ESP', 'protocol IP', 'protocol-number 50'],
  ['AOL', 'tcp-portrange 5190-5194'],
  ['BGP', 'tcp-portrange 179'],
  ['DHCP', 'udp-portrange 67-68'],
  ['FINGER', 'tcp-portrange 79'],
  ['FTP', 'tcp-portrange 21'],
  ['FTP_GET', 'tcp-portrange 21'],
  ['FTP_PUT', 'tcp-portrange 21'],
  ['GOPHER', 'tcp-portrange 70'],
  ['H323', 'tcp-portrange 1720 1503', 'udp-portrange 1719'],
  ['IKE', 'udp-portrange 500 4500'],
  ['Internet-Locator-Service', 'tcp-portrange 389'],
  ['IRC', 'tcp-portrange 6660-6669'],
  ['L2TP', 'tcp-portrange 1701', 'udp-portrange 1701'],
  ['NetMeeting', 'tcp-portrange 1720'],
  ['NFS', 'tcp-portrange 111 2049', 'udp-portrange 111 2049'],
  ['NNTP', 'tcp-portrange 119'],
  ['NTP', 'tcp-portrange 123', 'udp-portrange 123'],
  ['OSPF', 'protocol IP', 'protocol-number 89'],
  ['PC-Anywhere', 'tcp-portrange 5631', 'udp-portrange 5632'],
  ['PING', 'protocol ICMP', 'icmptype 8'],
  ['TIMESTAMP', 'protocol ICMP', 'icmptype 13'],
  ['INFO_REQUEST', 'protocol ICMP', 'icmptype 15'],
  ['INFO_ADDRESS', 'protocol ICMP', 'icmptype 17'],
  ['ONC-RPC', 'tcp-portrange 111', 'udp-portrange 111'],
  ['PPTP', 'tcp-portrange 1723'],
  ['QUAKE', 'udp-portrange 26000 27000 27910 27960'],
  ['RAUDIO', 'udp-portrange 7070'],
  ['REXEC', 'tcp-portrange 512'],
  ['RIP', 'udp-portrange 520'],
  ['RLOGIN', 'tcp-portrange 513:512-1023'],
  ['RSH', 'tcp-portrange 514:512-1023'],
  ['SCCP', 'tcp-portrange 2000'],
  ['SIP', 'tcp-portrange 5060', 'udp-portrange 5060'],
  ['SIP-MSNmessenger', 'tcp-portrange 1863'],
  ['SNMP', 'tcp-portrange 161-162', 'udp-portrange 161-162'],
  ['SSH', 'tcp-portrange 22'],
  ['SYSLOG', 'udp-portrange 514'],
  ['TALK', 'udp-portrange 517-518'],
  ['TELNET', 'tcp-portrange 23'],
  ['TFTP', 'udp-portrange 69'],
  ['MGCP', 'udp-portrange 2427 2727'],
  ['UUCP', 'tcp-portrange 540'],
  ['VDOLIVE', 'tcp-portrange 7000-7010'],
  ['WAIS', 'tcp-portrange 210'],
  ['WINFRAME', 'tcp-portrange 1494 2598'],
  ['X-WINDOWS', 'tcp-portrange 6000-6063'],
  ['PING6', 'protocol ICMP6', 'icmptype 128'],
  ['MS-SQL', 'tcp-portrange 1433 1434'],
  ['MYSQL', 'tcp-portrange 3306'],
  ['RDP', 'tcp-portrange 3389'],
  ['VNC', 'tcp-portrange 5900'],
  ['DHCP6', 'udp-portrange 546 547'],
  ['SQUID', 'tcp-portrange 3128'],
  ['SOCKS', 'tcp-portrange 1080', 'udp-portrange 1080'],
  ['WINS', 'tcp-portrange 1512', 'udp-portrange 1512'],
  ['RADIUS', 'udp-portrange 1812 1813'],
  ['RADIUS-OLD', 'udp-portrange 1645 1646'],
  ['CVSPSERVER', 'tcp-portrange 2401', 'udp-portrange 2401'],
  ['AFS3', 'tcp-portrange 7000-7009', 'udp-portrange 7000-7009'],
  ['TRACEROUTE', 'udp-portrange 33434-33535'],
  ['RTSP', 'tcp-portrange 554 7070 8554', 'udp-portrange 554'],
  ['MMS', 'tcp-portrange 1755', 'udp-portrange 1024-5000'],
  ['NONE', 'tcp-portrange 0'],
];

/** The predefined service groups, with their members as FortiOS 6.2.3 prints them. */
const SERVICE_GROUPS: readonly (readonly string[])[] = [
  ['Email Access', 'DNS', 'IMAP', 'IMAPS', 'POP3', 'POP3S', 'SMTP', 'SMTPS'],
  ['Web Access', 'DNS', 'HTTP', 'HTTPS'],
  ['Windows AD', 'DCE-RPC', 'DNS', 'KERBEROS', 'LDAP', 'LDAP_UDP', 'SAMBA', 'SMB'],
  ['Exchange Server', 'DCE-RPC', 'DNS', 'HTTPS'],
];

/**
 * The predefined addresses: `all` (no subnet: 0.0.0.0/0, and ::/0 for IPv6) and `none` (0.0.0.0/32,
 * ::/128), as in the same `show` output.
 */
const ADDRESSES = `config firewall address
    edit "all"
    next
    edit "none"
        set subnet 0.0.0.0 255.255.255.255
    next
end
config firewall address6
    edit "all"
    next
    edit "none"
        set ip6 ::/128
    next
end
`;

/** The path parse errors would name (the table is tested, so there are none). */
const FACTORY_DEFAULTS_PATH = '<FortiOS factory defaults>';

function quote(name: string): string {
  return `"${name}"`;
}

function configText(): string {
  const services = SERVICES.map(
    ([name, ...settings]) =>
      `    edit ${quote(name!)}\n${settings.map((s) => `        set ${s}\n`).join('')}    next\n`,
  );
  const groups = SERVICE_GROUPS.map(
    ([name, ...members]) =>
      `    edit ${quote(name!)}\n        set member ${members.map(quote).join(' ')}\n    next\n`,
  );
  return `${ADDRESSES}config firewall service custom\n${services.join('')}end\nconfig firewall service group\n${groups.join('')}end\n`;
}

let tables: ReadonlyMap<string, Block> | undefined;

/** The factory-default tables by path ("firewall service custom", "firewall address6" ...). */
export function factoryDefaults(): ReadonlyMap<string, Block> {
  tables ??= parseConfigTree(FACTORY_DEFAULTS_PATH, configText()).blocks;
  return tables;
}
