import { existsSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import schema from '../../schemas/report.schema.json' with { type: 'json' };
import { runCli } from './cli-io.js';

const validateReport = new Ajv2020({ strict: true, allowUnionTypes: true }).compile(schema);
const ONE_HOST = 'fixtures/generic/one-host-out.yaml';
const ASA = 'fixtures/asa/branch-office.asa';
const PANOS = 'fixtures/panos/fw-branch-vsys1.xml';

describe('for whom a pass holds', () => {
  it('a policy letting one host out passes only for that host, and the text says so', async () => {
    const r = await runCli('check', ONE_HOST);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^allowed\*/m);
    expect(r.stdout).toMatch(/all \d+ allowed flows: only from sources 10\.0\.0\.5\/32/);
    expect(r.stdout).toMatch(
      /PASS: all \d+ required flows allowed, for sources 10\.0\.0\.5\/32 only \(no client sources were given: name them with --source\)\./,
    );
  });

  it('the markdown table says it next to each flow', async () => {
    const r = await runCli('check', ONE_HOST, '--output', 'markdown', '--flow', '*:443/tcp');
    expect(r.stdout).toContain('| ✅ allowed, only from sources 10\\.0\\.0\\.5/32 |');
  });

  it('with the clients named, the answer holds for them and nothing is qualified', async () => {
    const r = await runCli('check', ONE_HOST, '--source', '10.0.0.5/32', '--flow', '*:443/tcp');
    expect(r.status).toBe(0);
    expect(r.stdout).not.toMatch(/only from/);
    expect(r.stdout).toMatch(/^PASS: all 1 required flows allowed\.$/m);
  });
});

describe('zone options', () => {
  it('a zone no input defines is a usage error listing the zones, with a case hint', async () => {
    const r = await runCli('check', ASA, '--source-zone', 'INSIDE', '--json');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(
      /--source-zone "INSIDE" is not a zone or interface of the input; did you mean "inside"\? .*zones: "dmz", "guest", "inside", "outside"/,
    );
  });

  it("the clients' zone is inferred from interface subnets, and the report says so", async () => {
    const r = await runCli('check', ASA, '--source', '10.20.5.0/24', '--flow', '*:443/tcp', '--json');
    const report = JSON.parse(r.stdout);
    expect(validateReport(report), JSON.stringify(validateReport.errors)).toBe(true);
    expect(report.flows[0].verdict).toBe('allowed');
    expect(report.flows[0].assumptions.join(' ')).toMatch(
      /arrive on zone "inside".*10\.20\.0\.0\/16, fixtures\/asa\/branch-office\.asa:25/,
    );
  });

  it("--destination-zone doesn't replace a default route; --destination-zone-override does", async () => {
    const base = await runCli('check', PANOS, '--flow', '*:443/tcp', '--json');
    const filled = await runCli('check', PANOS, '--flow', '*:443/tcp', '--destination-zone', 'dmz', '--json');
    expect(JSON.parse(filled.stdout).flows[0].verdict).toBe(JSON.parse(base.stdout).flows[0].verdict);
    expect(JSON.parse(filled.stdout).flows[0].assumptions.join(' ')).toMatch(
      /only fills in where a config is silent/,
    );
    const over = await runCli(
      'check',
      PANOS,
      '--flow',
      '*:443/tcp',
      '--destination-zone-override',
      'vsys1=dmz',
      '--json',
    );
    const report = JSON.parse(over.stdout);
    expect(validateReport(report), JSON.stringify(validateReport.errors)).toBe(true);
    expect(report.scope.destinationZoneOverrides).toEqual(['vsys1=dmz']);
    expect(report.flows[0].assumptions.join(' ')).toMatch(
      /egress zones dmz set by --destination-zone-override/,
    );
  });

  it('a bad override names what is wrong', async () => {
    const noPolicy = await runCli('check', PANOS, '--destination-zone-override', 'vsys9=dmz');
    expect(noPolicy.status).toBe(2);
    expect(noPolicy.stderr).toMatch(/no policy "vsys9" in the input; policies: vsys1/);
    const noZone = await runCli('check', PANOS, '--destination-zone-override', 'vsys1=DMZ');
    expect(noZone.stderr).toMatch(/"DMZ" is not a zone or interface of "vsys1"; did you mean "dmz"\?/);
    const shape = await runCli('check', PANOS, '--destination-zone-override', 'dmz');
    expect(shape.stderr).toMatch(/expected POLICY=ZONE/);
  });
});

describe('details', () => {
  it('relay addresses show in the text output', async () => {
    const r = await runCli('check', ONE_HOST, '--relay', '198.51.100.0/24');
    expect(r.stdout).toMatch(
      /^\d+ flows \(\*:3478\/tcp, \*:3478\/udp, …\): to relay addresses 198\.51\.100\.0\/24$/m,
    );
  });

  const smallOffice = '../shared/corpus/asa/asa-9.0-small-office-running-config.asa';
  it.skipIf(!existsSync(smallOffice))(
    'the ASA small office: the explicit deny ip any4 any4 decides STUN for INSIDE clients, not the implicit deny (needs ../shared/corpus)',
    async () => {
      const r = await runCli(
        'check',
        smallOffice,
        '--source-zone',
        'INSIDE',
        '--flow',
        '*:3478/udp',
        '--json',
      );
      const report = JSON.parse(r.stdout);
      expect(report.flows[0]).toMatchObject({ verdict: 'blocked', rule: { line: 273 } });
      expect(report.warnings).toEqual([
        expect.objectContaining({
          path: smallOffice,
          line: 271,
          message: expect.stringContaining('TSUNAMI_addrs'),
        }),
      ]);
    },
  );
});
