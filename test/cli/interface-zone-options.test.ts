import { describe, expect, it } from 'vitest';
import { runCli } from './cli-io.js';

const ROUTER = 'fixtures/iptables/office-router.rules';

interface Report {
  flows: { verdict: string; assumptions?: string[]; detail: string }[];
}

describe('zone options naming interfaces the ruleset never spells', () => {
  it('an interface matching a wildcard stands for its wildcard zone, and the report says so', async () => {
    const r = await runCli(
      'check',
      ROUTER,
      '--source-zone',
      'wlan9',
      '--source',
      '192.168.50.0/24',
      '--json',
    );
    expect(r.status).not.toBe(2);
    const report = JSON.parse(r.stdout) as Report;
    expect(report.flows[0]!.assumptions).toContain(
      'names the config never spells: "wlan9" is in zone "another interface named wlan…"',
    );
  });

  it('an interface no wildcard matches stands for the zone of such interfaces', async () => {
    const r = await runCli('check', ROUTER, '--source-zone', 'ppp0', '--json');
    expect(r.status).not.toBe(2);
    const report = JSON.parse(r.stdout) as Report;
    expect(report.flows[0]!.assumptions).toContain(
      'names the config never spells: "ppp0" is in zone "another interface (no wildcard matches its name)"',
    );
  });

  it('--destination-zone-override takes such a name too', async () => {
    const r = await runCli('check', ROUTER, '--destination-zone-override', `${ROUTER}=wlan7`, '--json');
    expect(r.status).not.toBe(2);
    const report = JSON.parse(r.stdout) as Report;
    expect(report.flows[0]!.assumptions?.join('\n')).toContain('another interface named wlan…');
  });
});
