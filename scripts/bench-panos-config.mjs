// Writes a realistic PAN-OS firewall running-config (vsys1) for benchmarks: address objects of every kind
// (ip-netmask, ip-range, fqdn), nested address groups, services and service groups, zones, an interface
// per zone, a virtual router whose default route leaves through the untrust zone, and a security rulebase
// of mixed zones, addresses, services and App-IDs. The rules that let RemoteSpark out stand near the end,
// so every flow walks almost the whole rulebase. The defaults (50k rules, 200k addresses) give ~100 MB.
import { closeSync, openSync, writeSync } from 'node:fs';

function rng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const ZONES = ['trust', 'untrust', 'dmz', 'servers', 'guest', 'voice', 'mgmt', 'partners'];
const APPS = [
  'ssl',
  'web-browsing',
  'dns',
  'ntp',
  'ssh',
  'ms-rdp',
  'ldap',
  'kerberos',
  'smtp',
  'office365-enterprise-access',
  'ms-update',
  'snmp',
];
const UUID_HEX = '0123456789abcdef';

/** Buffers output and writes it in large chunks. */
class Out {
  constructor(path) {
    this.fd = openSync(path, 'w');
    this.parts = [];
    this.size = 0;
  }
  line(depth, s) {
    this.parts.push(' '.repeat(depth * 2), s, '\n');
    this.size += s.length + depth * 2 + 1;
    if (this.size > 1 << 22) this.flush();
  }
  flush() {
    writeSync(this.fd, this.parts.join(''));
    this.parts = [];
    this.size = 0;
  }
  close() {
    this.flush();
    closeSync(this.fd);
  }
}

function members(out, depth, tag, list) {
  out.line(depth, `<${tag}>`);
  for (const m of list) out.line(depth + 1, `<member>${m}</member>`);
  out.line(depth, `</${tag}>`);
}

/**
 * Writes the config to `path`. `rules` security rules and `addresses` address objects; groups, services
 * and the rest scale with them.
 */
export function generatePanosConfig(path, { rules = 50000, addresses = 200000, seed = 7 } = {}) {
  const rand = rng(seed);
  const int = (k) => Math.floor(rand() * k);
  const pick = (list) => list[int(list.length)];
  const uuid = () => {
    let s = '';
    for (let i = 0; i < 32; i++) s += UUID_HEX[int(16)];
    return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
  };
  const addressGroups = Math.max(10, Math.floor(addresses / 100));
  const services = Math.max(10, Math.floor(rules / 100));
  const serviceGroups = Math.max(4, Math.floor(services / 5));
  const out = new Out(path);

  out.line(0, '<?xml version="1.0"?>');
  out.line(0, '<config version="10.2.0" urldb="paloaltonetworks" detail-version="10.2.4">');
  out.line(1, '<mgt-config>');
  out.line(2, '<users>');
  out.line(3, '<entry name="admin">');
  out.line(4, '<phash>$5$benchmark$notarealhash</phash>');
  out.line(4, '<permissions><role-based><superuser>yes</superuser></role-based></permissions>');
  out.line(3, '</entry>');
  out.line(2, '</users>');
  out.line(1, '</mgt-config>');
  out.line(1, '<shared>');
  out.line(2, '<application/>');
  out.line(2, '<application-group/>');
  out.line(2, '<service/>');
  out.line(2, '<service-group/>');
  out.line(1, '</shared>');
  out.line(1, '<devices>');
  out.line(2, '<entry name="localhost.localdomain">');
  out.line(3, '<network>');
  out.line(4, '<interface>');
  out.line(5, '<ethernet>');
  ZONES.forEach((zone, i) => {
    out.line(6, `<entry name="ethernet1/${i + 1}">`);
    out.line(7, '<layer3>');
    out.line(8, '<ip>');
    out.line(9, `<entry name="${i === 1 ? '203.0.113.2/29' : `10.${i}.0.1/16`}"/>`);
    out.line(8, '</ip>');
    out.line(7, '</layer3>');
    out.line(7, `<comment>${zone}</comment>`);
    out.line(6, '</entry>');
  });
  out.line(5, '</ethernet>');
  out.line(4, '</interface>');
  out.line(4, '<virtual-router>');
  out.line(5, '<entry name="default">');
  members(
    out,
    6,
    'interface',
    ZONES.map((_, i) => `ethernet1/${i + 1}`),
  );
  out.line(6, '<routing-table>');
  out.line(7, '<ip>');
  out.line(8, '<static-route>');
  out.line(9, '<entry name="default-route">');
  out.line(10, '<nexthop>');
  out.line(11, '<ip-address>203.0.113.1</ip-address>');
  out.line(10, '</nexthop>');
  out.line(10, '<interface>ethernet1/2</interface>');
  out.line(10, '<destination>0.0.0.0/0</destination>');
  out.line(10, '<metric>10</metric>');
  out.line(9, '</entry>');
  out.line(8, '</static-route>');
  out.line(7, '</ip>');
  out.line(6, '</routing-table>');
  out.line(5, '</entry>');
  out.line(4, '</virtual-router>');
  out.line(3, '</network>');
  out.line(3, '<deviceconfig>');
  out.line(4, '<system>');
  out.line(5, '<hostname>bench-fw-01</hostname>');
  out.line(5, '<timezone>UTC</timezone>');
  out.line(4, '</system>');
  out.line(3, '</deviceconfig>');
  out.line(3, '<vsys>');
  out.line(4, '<entry name="vsys1">');

  out.line(5, '<zone>');
  ZONES.forEach((zone, i) => {
    out.line(6, `<entry name="${zone}">`);
    out.line(7, '<network>');
    members(out, 8, 'layer3', [`ethernet1/${i + 1}`]);
    out.line(7, '</network>');
    out.line(6, '</entry>');
  });
  out.line(5, '</zone>');

  // Addresses: 80% hosts and subnets, 10% ranges, 10% FQDNs.
  const addressName = (i) => `addr-${String(i).padStart(6, '0')}`;
  out.line(5, '<address>');
  for (let i = 0; i < addresses; i++) {
    out.line(6, `<entry name="${addressName(i)}">`);
    const x = rand();
    if (x < 0.5) out.line(7, `<ip-netmask>10.${int(256)}.${int(256)}.${int(256)}/32</ip-netmask>`);
    else if (x < 0.8) out.line(7, `<ip-netmask>10.${int(256)}.${int(256)}.0/24</ip-netmask>`);
    else if (x < 0.9) {
      const a = int(200);
      out.line(7, `<ip-range>172.16.${a}.1-172.16.${a + int(50)}.254</ip-range>`);
    } else out.line(7, `<fqdn>host${i}.svc${int(500)}.example.com</fqdn>`);
    if (x < 0.2) out.line(7, `<description>server ${i} in rack ${int(40)}</description>`);
    if (x > 0.95) members(out, 7, 'tag', ['managed']);
    out.line(6, '</entry>');
  }
  out.line(6, '<entry name="clients-net">');
  out.line(7, '<ip-netmask>10.20.0.0/16</ip-netmask>');
  out.line(6, '</entry>');
  out.line(5, '</address>');

  // Address groups: static groups of 5-20 objects; every tenth nests two earlier groups.
  const groupName = (i) => `grp-${String(i).padStart(5, '0')}`;
  out.line(5, '<address-group>');
  for (let g = 0; g < addressGroups; g++) {
    out.line(6, `<entry name="${groupName(g)}">`);
    const list = [];
    const size = 5 + int(16);
    for (let k = 0; k < size; k++) list.push(addressName(int(addresses)));
    if (g % 10 === 9) list.push(groupName(int(g)), groupName(int(g)));
    members(out, 7, 'static', [...new Set(list)]);
    out.line(6, '</entry>');
  }
  out.line(6, '<entry name="remotespark-clients">');
  members(out, 7, 'static', ['clients-net']);
  out.line(6, '</entry>');
  out.line(5, '</address-group>');

  // Services: single ports, lists and ranges, TCP and UDP.
  const serviceName = (i) => `svc-${String(i).padStart(4, '0')}`;
  out.line(5, '<service>');
  for (let s = 0; s < services; s++) {
    const proto = rand() < 0.8 ? 'tcp' : 'udp';
    const lo = 1024 + int(60000);
    const port = [`${lo}`, `${lo},${lo + 7},${lo + 100}-${lo + 200}`, `${lo}-${lo + int(400)}`][int(3)];
    out.line(6, `<entry name="${serviceName(s)}">`);
    out.line(7, '<protocol>');
    out.line(8, `<${proto}>`);
    out.line(9, `<port>${port}</port>`);
    out.line(8, `</${proto}>`);
    out.line(7, '</protocol>');
    out.line(6, '</entry>');
  }
  for (const [name, proto, port] of [
    ['tcp-3478', 'tcp', '3478'],
    ['udp-3478', 'udp', '3478'],
    ['tcp-8089', 'tcp', '8089'],
    ['udp-8089', 'udp', '8089'],
    ['tcp-5349', 'tcp', '5349'],
    ['udp-5349', 'udp', '5349'],
  ]) {
    out.line(6, `<entry name="${name}">`);
    out.line(7, `<protocol><${proto}><port>${port}</port></${proto}></protocol>`);
    out.line(6, '</entry>');
  }
  out.line(5, '</service>');
  const serviceGroupName = (i) => `svcgrp-${String(i).padStart(3, '0')}`;
  out.line(5, '<service-group>');
  for (let s = 0; s < serviceGroups; s++) {
    out.line(6, `<entry name="${serviceGroupName(s)}">`);
    const list = [serviceName(int(services)), serviceName(int(services)), serviceName(int(services))];
    if (s > 0 && s % 5 === 0) list.push(serviceGroupName(int(s)));
    members(out, 7, 'members', [...new Set(list)]);
    out.line(6, '</entry>');
  }
  out.line(6, '<entry name="remotespark-media">');
  members(out, 7, 'members', ['tcp-3478', 'udp-3478', 'tcp-8089', 'udp-8089', 'tcp-5349', 'udp-5349']);
  out.line(6, '</entry>');
  out.line(5, '</service-group>');

  out.line(5, '<rulebase>');
  out.line(6, '<security>');
  out.line(7, '<rules>');
  const addressRef = () => (rand() < 0.3 ? groupName(int(addressGroups)) : addressName(int(addresses)));
  const rule = (r) => {
    out.line(8, `<entry name="${r.name}" uuid="${uuid()}">`);
    members(out, 9, 'to', r.to);
    members(out, 9, 'from', r.from);
    members(out, 9, 'source', r.source);
    members(out, 9, 'destination', r.destination);
    members(out, 9, 'source-user', ['any']);
    members(out, 9, 'category', ['any']);
    members(out, 9, 'application', r.application);
    members(out, 9, 'service', r.service);
    members(out, 9, 'source-hip', ['any']);
    members(out, 9, 'destination-hip', ['any']);
    out.line(9, `<action>${r.action}</action>`);
    if (r.disabled) out.line(9, '<disabled>yes</disabled>');
    out.line(9, '<log-setting>default</log-setting>');
    if (r.action === 'allow') {
      out.line(9, '<profile-setting>');
      members(out, 10, 'group', ['default']);
      out.line(9, '</profile-setting>');
    }
    out.line(9, `<description>${r.description}</description>`);
    members(out, 9, 'tag', [pick(['app-team', 'infra', 'change-2024', 'legacy'])]);
    out.line(8, '</entry>');
  };
  const tail = 6;
  for (let i = 0; i < rules - tail; i++) {
    const x = rand();
    const from = pick(ZONES);
    let to = pick(ZONES);
    if (to === from && rand() < 0.7) to = 'servers';
    const srcCount = 1 + int(3);
    const dstCount = 1 + int(3);
    const source = Array.from({ length: srcCount }, addressRef);
    const destination = Array.from({ length: dstCount }, addressRef);
    let application = ['any'];
    let service = [serviceName(int(services))];
    if (x < 0.4) {
      application = [pick(APPS)];
      service = ['application-default'];
    } else if (x < 0.55) {
      application = [pick(APPS), pick(APPS)];
      service = ['application-default'];
    } else if (x < 0.7) service = [serviceGroupName(int(serviceGroups))];
    else if (x < 0.75) service = ['service-https'];
    rule({
      name: `rule-${String(i).padStart(6, '0')}`,
      from: [from],
      to: [to],
      source: [...new Set(source)],
      destination: [...new Set(destination)],
      application: [...new Set(application)],
      service,
      action: rand() < 0.9 ? 'allow' : pick(['deny', 'drop', 'reset-both']),
      disabled: rand() < 0.03,
      description: `ticket CHG-${100000 + i} for ${pick(['payroll', 'crm', 'backup', 'monitoring', 'erp'])}`,
    });
  }
  // The rules RemoteSpark needs, just before the cleanup rule.
  rule({
    name: 'allow-remotespark-web',
    from: ['trust'],
    to: ['untrust'],
    source: ['remotespark-clients'],
    destination: ['any'],
    application: ['ssl', 'web-browsing'],
    service: ['application-default'],
    action: 'allow',
    description: 'RemoteSpark web, storage and CDN',
  });
  rule({
    name: 'allow-remotespark-media',
    from: ['trust'],
    to: ['untrust'],
    source: ['remotespark-clients'],
    destination: ['any'],
    application: ['any'],
    service: ['remotespark-media'],
    action: 'allow',
    description: 'RemoteSpark STUN/TURN',
  });
  rule({
    name: 'allow-dns',
    from: ['trust'],
    to: ['untrust'],
    source: ['any'],
    destination: ['any'],
    application: ['dns'],
    service: ['application-default'],
    action: 'allow',
    description: 'DNS',
  });
  rule({
    name: 'block-guest-media',
    from: ['guest'],
    to: ['untrust'],
    source: ['any'],
    destination: ['any'],
    application: ['any'],
    service: ['remotespark-media'],
    action: 'drop',
    description: 'guests get no real-time media',
  });
  rule({
    name: 'allow-guest-web',
    from: ['guest'],
    to: ['untrust'],
    source: ['any'],
    destination: ['any'],
    application: ['ssl', 'web-browsing'],
    service: ['application-default'],
    action: 'allow',
    description: 'guest browsing',
  });
  rule({
    name: 'cleanup-deny',
    from: ['any'],
    to: ['any'],
    source: ['any'],
    destination: ['any'],
    application: ['any'],
    service: ['any'],
    action: 'deny',
    description: 'log everything else',
  });
  out.line(7, '</rules>');
  out.line(6, '</security>');
  out.line(6, '<default-security-rules>');
  out.line(7, '<rules>');
  out.line(8, '<entry name="interzone-default">');
  out.line(9, '<action>deny</action>');
  out.line(9, '<log-end>yes</log-end>');
  out.line(8, '</entry>');
  out.line(7, '</rules>');
  out.line(6, '</default-security-rules>');
  out.line(5, '</rulebase>');
  out.line(4, '</entry>');
  out.line(3, '</vsys>');
  out.line(2, '</entry>');
  out.line(1, '</devices>');
  out.line(0, '</config>');
  out.close();
}
