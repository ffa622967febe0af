import { describe, expect, it } from 'vitest';
import { runCli } from './cli-io.js';

const FIXTURE = 'test/catalog/fixtures/catalog-diff.yaml';

describe('catalog diff 2.0.33 2.1.80 (built-in catalog): 8089 TCP and UDP to any address added', () => {
  it('table (default)', async () => {
    const r = await runCli('catalog', 'diff', '2.0.33', '2.1.80');
    expect(r.status).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe(
      'RemoteSpark 2.0.33 -> 2.1.80: 11 added, 0 dropped, 0 changed, 18 unchanged (catalog 2026.11.1, mode cloud)',
    );
    expect(lines[2]).toMatch(/^CHANGE\s+ROLE\s+HOST\s+PORT\s+PROTOCOL\s+SEVERITY\s+VERIFIED\s+DESTINATION$/);
    for (const proto of ['tcp', 'udp']) {
      expect(lines).toContainEqual(
        expect.stringMatching(
          new RegExp(
            `^added\\s+STUN/TURN relays\\s+\\*\\s+8089\\s+${proto}\\s+required\\s+yes\\s+any internet address$`,
          ),
        ),
      );
    }
  });

  it('CSV', async () => {
    const r = await runCli('catalog', 'diff', '2.0.33', '2.1.80', '--output', 'csv');
    const rows = r.stdout.split('\r\n');
    expect(rows[0]).toBe('CHANGE,ROLE,HOST,PORT,PROTOCOL,SEVERITY,VERIFIED,DESTINATION');
    expect(rows).toContain('added,STUN/TURN relays,*,8089,tcp,required,yes,any internet address');
    expect(rows).toContain('added,STUN/TURN relays,*,8089,udp,required,yes,any internet address');
  });

  it('JSON', async () => {
    const r = await runCli('catalog', 'diff', '2.0.33', '2.1.80', '--json');
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({
      from: { requested: '2.0.33', release: '2.0.33' },
      to: { requested: '2.1.80', release: '2.1.80' },
      catalogVersion: '2026.11.1',
      mode: 'cloud',
      requireRecommended: false,
      summary: { added: 11, dropped: 0, changed: 0, unchanged: 18 },
    });
    for (const protocol of ['tcp', 'udp']) {
      expect(out.flows).toContainEqual({
        change: 'added',
        role: 'stun-turn',
        roleLabel: 'STUN/TURN relays',
        host: '*',
        port: 8089,
        protocol,
        severity: 'required',
        verified: true,
      });
    }
  });

  it('Markdown', async () => {
    const r = await runCli('catalog', 'diff', '2.0.33', '2.1.80', '--output', 'markdown');
    expect(r.stdout).toMatch(/^### RemoteSpark 2\\\.0\\\.33 → 2\\\.1\\\.80/);
    expect(r.stdout).toContain('**11 added**');
    expect(r.stdout).toContain(
      '| added | STUN/TURN relays | `*` | 8089 | tcp | required | yes | `any internet address` |',
    );
    expect(r.stdout).toContain(
      '| added | STUN/TURN relays | `*` | 8089 | udp | required | yes | `any internet address` |',
    );
  });

  it('a pinned client (--mode na) gains 8089 next to 3478 and 5349', async () => {
    const r = await runCli('catalog', 'diff', '2.0.33', '2.1.80', '--mode', 'na', '--json');
    const added = JSON.parse(r.stdout).flows.map(
      (f: { host: string; port: number; protocol: string }) => `${f.host}:${f.port}/${f.protocol}`,
    );
    expect(added).toEqual(expect.arrayContaining(['*:8089/tcp', '*:8089/udp']));
    expect(added).not.toContain('turn-eu.kognitivspark.net:8089/udp');
  });

  it('the other way round, the flows are dropped', async () => {
    const r = await runCli('catalog', 'diff', '2.1.80', '2.0.33', '--output', 'csv');
    expect(r.stdout).toContain('dropped,STUN/TURN relays,*,8089,udp,required,yes,any internet address');
  });

  it('versions that follow the same release: no flow changes', async () => {
    const r = await runCli('catalog', 'diff', '2.1.80', '2.1.99');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('2.1.99 (release 2.1.80)');
    expect(r.stdout).toContain('Both versions follow release 2.1.80: the same flows.');
  });
});

describe('catalog diff of changed flows (--catalog applies)', () => {
  it('shows both values of what changed', async () => {
    const r = await runCli(
      'catalog',
      'diff',
      '1.0.0',
      '1.2.0',
      '--catalog',
      FIXTURE,
      '--relay',
      '203.0.113.0/24',
    );
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(
      /^changed\s+CDN endpoint\s+cdn\.example\.com\s+443\s+tcp\s+recommended -> required\s+no -> yes\s+cdn\.example\.com:443\/tcp$/m,
    );
    expect(r.stdout).toMatch(
      /^changed\s+STUN\/TURN relays -> Media endpoint\s+\*\s+3478\s+udp\s+required\s+yes\s+203\.0\.113\.0\/24 -> any internet address$/m,
    );
  });

  it('JSON gives the earlier value of each changed property', async () => {
    const r = await runCli(
      'catalog',
      'diff',
      '1.0.0',
      '1.2.0',
      '--catalog',
      FIXTURE,
      '--relay',
      '203.0.113.0/24',
      '--json',
    );
    const flows = JSON.parse(r.stdout).flows;
    expect(flows.find((f: { host: string }) => f.host === 'cdn.example.com')).toMatchObject({
      change: 'changed',
      severity: 'required',
      verified: true,
      before: { severity: 'recommended', verified: false },
    });
    expect(flows.find((f: { host: string }) => f.host === '*')).toMatchObject({
      change: 'changed',
      role: 'web-browser',
      before: { role: 'stun-turn', relays: ['203.0.113.0/24'] },
    });
    expect(flows.find((f: { host: string }) => f.host === '*')).not.toHaveProperty('relays');
  });

  it('CSV defuses a label that is a formula; Markdown escapes its pipe and @-mention', async () => {
    const csv = await runCli('catalog', 'diff', '1.0.0', '1.2.0', '--catalog', FIXTURE, '--output', 'csv');
    expect(csv.stdout).toContain(
      `dropped,"'=HYPERLINK(""http://x.example"") @ops | legacy",old.example.com,8080,`,
    );
    const md = await runCli(
      'catalog',
      'diff',
      '1.0.0',
      '1.2.0',
      '--catalog',
      FIXTURE,
      '--output',
      'markdown',
    );
    const row = md.stdout.split('\n').find((l) => l.includes('old'))!;
    expect(row).toContain('@\u200bops \\| legacy');
    expect(row.split(/(?<!\\)\|/)).toHaveLength(10);
  });
});

describe('catalog diff refuses', () => {
  it.each([
    [['1.0.0', '2.1.80'], /older than every release .*known releases: 2\.0\.33, 2\.1\.80/],
    [['2.0.33', 'next'], /"next" is not a version x\.y\.z .*known releases: 2\.0\.33, 2\.1\.80/],
    [['2.0.33'], /catalog diff takes two RemoteSpark versions/],
    [['2.0.33', '2.1.80', '2.2.0'], /catalog diff takes two RemoteSpark versions/],
    [['2.0.33', '2.1.80', '--version', '2.1.80'], /not --version/],
    [['2.0.33', '2.1.80', '--output', 'text'], /--output "text" is not one of table, csv, json, markdown/],
  ])('%j (exit 2)', async (args, message) => {
    const r = await runCli('catalog', 'diff', ...args);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  it('Markdown stays for diff only', async () => {
    const r = await runCli('catalog', 'flows', '--output', 'markdown');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--output "markdown" is not one of table, csv, json');
  });
});
