import { describe, expect, it } from 'vitest';
import { runCli } from './cli-io.js';

const ROUTER = 'fixtures/iptables/office-router.rules';
const HOST_NFT = 'fixtures/nftables/host-script.nft';

interface Report {
  notes: string[];
  flows: { verdict: string; primary?: { decidedBy?: { location?: { line: number } } } }[];
}
const json = (stdout: string) => JSON.parse(stdout) as Report;

describe('--chain: which chain carries client traffic', () => {
  it('by default the reader works it out from the rules and says why', async () => {
    const r = json((await runCli('check', ROUTER, '--json')).stdout);
    expect(r.notes.join('\n')).toContain(
      'client traffic is checked in the FORWARD chain, as on a router: FORWARD has rules',
    );
  });

  it('--chain OUTPUT reads a router as the client itself: its OUTPUT policy ACCEPT lets everything out', async () => {
    const out = await runCli('check', ROUTER, '--chain', 'output', '--source', '192.168.10.0/24');
    expect(out.status).toBe(0);
    expect(out.stdout).toMatch(
      /^allowed +required +traffic-manager .*OUTPUT policy ACCEPT \(fixtures\/iptables\/office-router\.rules:5\)$/m,
    );
    const r = json((await runCli('check', ROUTER, '--chain', 'OUTPUT', '--json')).stdout);
    expect(r.notes.join('\n')).toContain(
      'client traffic is checked in the OUTPUT chain: --chain OUTPUT was given',
    );
  });

  it('--chain FORWARD on an nftables host with no forward chain: forwarded traffic meets no base chain and passes', async () => {
    const host = json((await runCli('check', HOST_NFT, '--source', '10.40.0.0/16', '--json')).stdout);
    expect(host.notes.join('\n')).toContain('read as a host: no chain is on the forward hook');
    const routed = await runCli(
      'check',
      HOST_NFT,
      '--source',
      '10.40.0.0/16',
      '--chain',
      'FORWARD',
      '--json',
    );
    const r = json(routed.stdout);
    expect(r.notes.join('\n')).toContain('read as a router (--chain FORWARD was given)');
    expect(new Set(r.flows.map((f) => f.verdict))).toEqual(new Set(['allowed']));
    expect(routed.status).toBe(0);
  });

  it('anything but FORWARD or OUTPUT is a usage error', async () => {
    const r = await runCli('check', ROUTER, '--chain', 'INPUT');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(
      '--chain "INPUT" is not FORWARD (clients routed through the firewall) or OUTPUT (the firewall is the client)',
    );
  });
});
