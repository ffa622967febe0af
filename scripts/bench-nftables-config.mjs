// Writes an `nft list ruleset` of a Linux router whose forward chain drops traffic to a named interval set
// of 100k IPv4 CIDRs (a blocklist, the way threat feeds are loaded), then lets the RemoteSpark clients
// (10.20.0.0/16) out.
import { closeSync, openSync, writeSync } from 'node:fs';

export function generateNftSet(path, { elements = 100000, seed = 13 } = {}) {
  let s = seed >>> 0;
  const rand = () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  // Disjoint, sorted /24s and /28s (nft rejects overlapping interval elements), spread over the space
  // outside 10/8 so the blocklist never covers the clients.
  const step = Math.floor((0xdf000000 - 0x0b000000) / elements);
  const out = [];
  for (let i = 0; i < elements; i++) {
    const base = (0x0b000000 + i * step) & ~0xff;
    const len = rand() < 0.7 ? 24 : 28;
    const v = base >>> 0;
    out.push(`${v >>> 24}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}/${len}`);
  }
  const fd = openSync(path, 'w');
  writeSync(
    fd,
    [
      'table inet filter {',
      '\tset blocklist {',
      '\t\ttype ipv4_addr',
      '\t\tflags interval',
      '\t\telements = { ',
    ].join('\n'),
  );
  for (let i = 0; i < out.length; i += 5000) {
    writeSync(
      fd,
      out.slice(i, i + 5000).join(',\n\t\t\t     ') + (i + 5000 < out.length ? ',\n\t\t\t     ' : ''),
    );
  }
  writeSync(
    fd,
    [
      ' }',
      '\t}',
      '',
      '\tchain forward {',
      '\t\ttype filter hook forward priority filter; policy drop;',
      '\t\tct state established,related accept',
      '\t\tip daddr @blocklist counter packets 0 bytes 0 drop comment "threat feed"',
      '\t\tip saddr 10.20.0.0/16 oifname "eth0" meta l4proto { tcp, udp } th dport { 443, 3478 } accept',
      '\t}',
      '}',
      '',
    ].join('\n'),
  );
  closeSync(fd);
  return elements;
}
