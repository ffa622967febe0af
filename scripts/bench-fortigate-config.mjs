// Writes a FortiOS 7.2 backup of about `sizeMb` megabytes that looks like a large enterprise edge
// firewall: interfaces and a LAN zone, address objects (subnets, hosts, ranges, FQDNs, wildcard FQDNs),
// nested address groups, custom services (some with source ports) and service groups, then tens of
// thousands of policies between internal segments and to the internet, with the policy that lets the
// RemoteSpark clients (10.20.0.0/16) out near the very end, so every flow walks almost the whole list, and a
// static default route through wan1.
import { Buffer } from 'node:buffer';
import { closeSync, openSync, writeSync } from 'node:fs';

function rng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

export function generateFortigateConfig(path, { sizeMb = 30, seed = 7 } = {}) {
  const target = Math.round(sizeMb * 1024 * 1024);
  const rand = rng(seed);
  const int = (k) => Math.floor(rand() * k);
  const pick = (list) => list[int(list.length)];
  const pickFrom = (list, from) => list[from + int(list.length - from)];
  const uuid = () =>
    [8, 4, 4, 4, 12]
      .map((n) => Array.from({ length: n }, () => '0123456789abcdef'[int(16)]).join(''))
      .join('-');

  const fd = openSync(path, 'w');
  let written = 0;
  let buffer = [];
  let buffered = 0;
  const out = (line) => {
    buffer.push(line);
    buffered += line.length + 1;
    if (buffered > 1 << 20) flush();
  };
  const flush = () => {
    if (!buffer.length) return;
    const text = `${buffer.join('\n')}\n`;
    writeSync(fd, text);
    written += Buffer.byteLength(text);
    buffer = [];
    buffered = 0;
  };
  const size = () => written + buffered;

  out('#config-version=FGT1800F-7.2.5-FW-build1517-230606:opmode=0:vdom=0:user=admin');
  out('#conf_file_ver=281474976710655');
  out('#buildno=1517');
  out('#global_vdom=1');
  out('config system global');
  out('    set hostname "DC-EDGE-1800F"');
  out('    set timezone 12');
  out('end');

  const internals = Array.from({ length: 12 }, (_, i) => `internal${i + 1}`);
  out('config system interface');
  out('    edit "wan1"');
  out('        set vdom "root"');
  out('        set ip 198.51.100.2 255.255.255.252');
  out('        set allowaccess ping');
  out('        set type physical');
  out('        set role wan');
  out('    next');
  for (const [i, name] of internals.entries()) {
    out(`    edit "${name}"`);
    out('        set vdom "root"');
    out(`        set ip 10.${100 + i}.0.1 255.255.0.0`);
    out('        set allowaccess ping https');
    out('        set type physical');
    out('        set role lan');
    out('    next');
  }
  out('end');
  out('config system zone');
  out('    edit "LAN"');
  out('        set interface "internal1" "internal2"');
  out('    next');
  out('end');

  // Addresses: about a quarter of the file.
  const addresses = ['all'];
  out('config firewall address');
  out('    edit "all"');
  out(`        set uuid ${uuid()}`);
  out('    next');
  out('    edit "rs-clients"');
  out(`        set uuid ${uuid()}`);
  out('        set subnet 10.20.0.0 255.255.0.0');
  out('    next');
  for (let i = 0; size() < target * 0.25; i++) {
    const x = rand();
    const name = `addr-${i}`;
    out(`    edit "${name}"`);
    out(`        set uuid ${uuid()}`);
    if (x < 0.6) {
      out(`        set subnet 10.${100 + int(60)}.${int(256)}.${int(256)} 255.255.255.255`);
    } else if (x < 0.8) {
      out(`        set subnet 10.${100 + int(60)}.${int(256)}.0 255.255.255.0`);
    } else if (x < 0.88) {
      const net = `10.${100 + int(60)}.${int(256)}`;
      const base = int(200);
      out('        set type iprange');
      out(`        set start-ip ${net}.${base}`);
      out(`        set end-ip ${net}.${base + 1 + int(50)}`);
    } else if (x < 0.96) {
      out('        set type fqdn');
      out(`        set fqdn "app${i}.saas${int(80)}.example.com"`);
    } else {
      out('        set type fqdn');
      out(`        set fqdn "*.tenant${i}.example.net"`);
    }
    out(`        set comment "generated object ${i}"`);
    out('    next');
    addresses.push(name);
  }
  out('end');

  // Address groups, some nested.
  const groups = [];
  out('config firewall addrgrp');
  for (let i = 0; size() < target * 0.3; i++) {
    const name = `grp-${i}`;
    const members = new Set();
    const n = 3 + int(12);
    while (members.size < n) members.add(pickFrom(addresses, 1));
    if (groups.length > 10 && rand() < 0.2) members.add(pick(groups));
    out(`    edit "${name}"`);
    out(`        set uuid ${uuid()}`);
    out(`        set member ${[...members].map((m) => `"${m}"`).join(' ')}`);
    out('    next');
    groups.push(name);
  }
  out('end');

  // Services: the predefined ones FortiOS puts in every backup, then custom ones.
  const services = ['ALL', 'HTTPS', 'HTTP', 'DNS', 'SSH'];
  out('config firewall service custom');
  out('    edit "ALL"');
  out('        set category "General"');
  out('        set protocol IP');
  out('    next');
  for (const [name, tcp, udp] of [
    ['HTTPS', '443', ''],
    ['HTTP', '80', ''],
    ['DNS', '53', '53'],
    ['SSH', '22', ''],
  ]) {
    out(`    edit "${name}"`);
    if (tcp) out(`        set tcp-portrange ${tcp}`);
    if (udp) out(`        set udp-portrange ${udp}`);
    out('    next');
  }
  out('    edit "RemoteSpark-Media"');
  out('        set tcp-portrange 3478 5349 8089');
  out('        set udp-portrange 3478 5349 8089');
  out('    next');
  for (let i = 0; size() < target * 0.33; i++) {
    const name = `svc-${i}`;
    const lo = 1024 + int(60000);
    out(`    edit "${name}"`);
    const r = rand();
    if (r < 0.5) out(`        set tcp-portrange ${lo}`);
    else if (r < 0.8) out(`        set tcp-portrange ${lo}-${lo + int(100)} ${1 + int(1023)}`);
    else if (r < 0.95) out(`        set udp-portrange ${lo}-${lo + int(10)}`);
    else out(`        set tcp-portrange ${lo}:${1 + int(1023)}`);
    out('    next');
    services.push(name);
  }
  out('end');
  const serviceGroups = [];
  out('config firewall service group');
  out('    edit "RemoteSpark"');
  out('        set member "HTTPS" "DNS" "RemoteSpark-Media"');
  out('    next');
  for (let i = 0; size() < target * 0.35; i++) {
    const name = `svcgrp-${i}`;
    const members = new Set();
    while (members.size < 2 + int(6)) members.add(pick(services));
    out(`    edit "${name}"`);
    out(`        set member ${[...members].map((m) => `"${m}"`).join(' ')}`);
    out('    next');
    serviceGroups.push(name);
  }
  out('end');

  // Policies, ids not in file order (as after moves in the GUI), each id once as in a real backup: the
  // spread (10M) exceeds any count of policies generated, so no two ids collide.
  const tail = 256 * 1024;
  const pickAddr = () => (rand() < 0.3 ? pick(groups) : pickFrom(addresses, 1));
  out('config firewall policy');
  let id = 1000;
  for (let i = 0; size() < target - tail; i++) {
    const x = rand();
    const toWan = x < 0.25;
    const deny = x > 0.93;
    out(`    edit ${id + int(5) * 10_000_000}`);
    id++;
    out(`        set name "pol-${i}"`);
    out(`        set uuid ${uuid()}`);
    out(`        set srcintf "${pick(internals.slice(2))}"`);
    out(`        set dstintf "${toWan ? 'wan1' : pick(internals)}"`);
    out(`        set srcaddr ${Array.from({ length: 1 + int(3) }, () => `"${pickAddr()}"`).join(' ')}`);
    out(`        set dstaddr ${toWan && rand() < 0.5 ? '"all"' : `"${pickAddr()}"`}`);
    if (!deny) out('        set action accept');
    if (rand() < 0.03) out('        set status disable');
    out('        set schedule "always"');
    out(`        set service ${rand() < 0.3 ? `"${pick(serviceGroups)}"` : `"${pick(services)}"`}`);
    if (!deny) out('        set logtraffic all');
    if (toWan && !deny) out('        set nat enable');
    out(`        set comments "generated policy ${i}"`);
    out('    next');
  }
  for (const [name, svc] of [
    ['rs-clients-out', '"RemoteSpark"'],
    ['rs-clients-web', '"HTTPS" "HTTP"'],
  ]) {
    out(`    edit ${id++}`);
    out(`        set name "${name}"`);
    out(`        set uuid ${uuid()}`);
    out('        set srcintf "LAN"');
    out('        set dstintf "wan1"');
    out('        set srcaddr "rs-clients"');
    out('        set dstaddr "all"');
    out('        set action accept');
    out('        set schedule "always"');
    out(`        set service ${svc}`);
    out('        set nat enable');
    out('    next');
  }
  out(`    edit ${id++}`);
  out('        set name "lan-deny-rest"');
  out(`        set uuid ${uuid()}`);
  out('        set srcintf "LAN"');
  out('        set dstintf "wan1"');
  out('        set srcaddr "all"');
  out('        set dstaddr "all"');
  out('        set schedule "always"');
  out('        set service "ALL"');
  out('    next');
  out('end');
  out('config router static');
  out('    edit 1');
  out('        set gateway 198.51.100.1');
  out('        set device "wan1"');
  out('    next');
  out('end');
  flush();
  closeSync(fd);
  return written;
}
