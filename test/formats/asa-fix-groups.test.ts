import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCheck } from '../../src/check/run-check.js';
import { remediate } from '../../src/remediate/remediate.js';

const dir = mkdtempSync(join(tmpdir(), 'rsfc-asa-groups-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const HEAD = `: Saved
ASA Version 9.16(4)
hostname fw
interface GigabitEthernet0/0
 nameif outside
 security-level 0
 ip address 203.0.113.2 255.255.255.0
interface GigabitEthernet0/1
 nameif inside
 security-level 100
 ip address 10.0.0.1 255.255.255.0
route outside 0.0.0.0 0.0.0.0 203.0.113.1
`;
const TAIL = `access-list in extended deny ip any any
access-group in in interface inside
: end
`;

async function fixes(name: string, groups: string) {
  const path = join(dir, name);
  writeFileSync(path, `${HEAD}${groups}${TAIL}`);
  return remediate(
    await runCheck({ configs: [path], version: 'latest', mode: 'cloud', sources: ['10.0.0.0/24'] }),
  );
}

describe('ASA fixes reuse service groups through nesting', () => {
  it('reuses a group holding exactly the ports with nested groups, not one with a port more', async () => {
    const found = await fixes(
      'reuse.asa',
      `object-group service UDP-TURN
 service-object udp destination eq 3478
 service-object udp destination eq 8089
object-group service TURN-PLUS
 service-object tcp destination eq 3478
 service-object tcp destination eq 8089
 group-object UDP-TURN
 service-object tcp destination eq 22
object-group service TURN
 group-object UDP-TURN
 service-object tcp destination range 3478 3478
 service-object tcp destination eq 8089
object-group service DNS-TCP
 service-object tcp destination eq 53
object-group service DNS
 group-object DNS-TCP
 service-object udp destination eq domain
`,
    );
    const media = found.find((f) => f.rule === 'allow-remotespark-media')!;
    expect(media.verified).toBe(true);
    expect(media.notes).toContain('ports: the existing service group "TURN" (line 21)');
    const dns = found.find((f) => f.rule === 'allow-remotespark-dns')!;
    expect(dns.notes).toContain('ports: the existing service group "DNS" (line 27)');
  });

  it('searches a chain of 20,000 service groups, each with a port of its own, once per fix', async () => {
    const n = 20_000;
    const groups = Array.from({ length: n }, (_, j) => {
      const i = n - 1 - j;
      const nested = i + 1 < n ? ` group-object s${i + 1}\n` : '';
      return `object-group service s${i}\n service-object udp destination eq ${1000 + i}\n${nested}`;
    });
    const found = await fixes('chain.asa', groups.join(''));
    const dns = found.find((f) => f.rule === 'allow-remotespark-dns')!;
    expect(dns.verified).toBe(true);
    expect(dns.notes).toContain('ports: a new service group "rs-dns-ports"');
  });
});
