import { describe, expect, it } from 'vitest';
import { inputWording, reportInputWording } from '../../src/action/input-names.js';

describe('inputWording: CLI flags as the action inputs that set them', () => {
  it.each([
    [
      "the config doesn't say which zone reaches the internet: name it with --destination-zone",
      'the config doesn\'t say which zone reaches the internet: name it with the "destination-zone" input',
    ],
    [
      'clients are taken to be in any other zone unless --source-zone says otherwise',
      'clients are taken to be in any other zone unless the "source" input says otherwise',
    ],
    ['check the relay addresses and --source', 'check the relay addresses and the "source" input'],
    [
      '--source-zone "inside" is not a zone or interface of the input (did you mean "INSIDE"?)',
      'the "source" input "inside" is not a zone or interface of the input (did you mean "INSIDE"?)',
    ],
    [
      '--destination-zone "wan" is not a zone or interface of the input',
      'the "destination-zone" input "wan" is not a zone or interface of the input',
    ],
    ['--format "panos9" is not known', 'the "format" input "panos9" is not known'],
    [
      'describe the policy in the generic format (--format generic)',
      'describe the policy in the generic format (the "format" input set to generic)',
    ],
    [
      'override it with --catalog, see docs/catalog.md',
      'override it with the "catalog" input, see docs/catalog.md',
    ],
    ['--version "abc"', 'the "remotespark-version" input "abc"'],
    [
      'set by --destination-zone-override for "vsys1"',
      'set by the "destination-zone-override" input for "vsys1"',
    ],
    ['treated as --require-backups asks', 'treated as the "require-backups" input asks'],
  ])('%s', (cli, action) => {
    expect(inputWording(cli)).toBe(action);
  });

  it('leaves flags without an input, longer flags and other words alone', () => {
    for (const text of [
      'raise it with --max-input-mb',
      '--policy "x" is not in the input',
      'a rule named x--source',
      'port range 1000--2000',
    ]) {
      expect(inputWording(text)).toBe(text);
    }
  });
});

describe('reportInputWording', () => {
  const report = {
    flows: [
      {
        host: '*',
        detail: "no destination of the clients' address family: check the relay addresses and --source",
        rule: { name: 'allow --source', path: 'fw/--source.yaml', line: 3 },
        assumptions: ['egress zone from --destination-zone'],
        results: [{ policy: '--relay', detail: 'name it with --destination-zone' }],
      },
    ],
    notes: ['override it with --catalog'],
    warnings: [{ policy: 'vsys1', message: 'see --source', path: 'a.xml', line: 2 }],
    inputs: [{ path: 'x', policies: ['--mode'] }],
  };

  it('shares what has nothing to reword, and copies the way down to what it rewords', () => {
    const shown = reportInputWording(report);
    expect(shown).not.toBe(report);
    expect(shown.flows[0]!.rule).toBe(report.flows[0]!.rule);
    expect(shown.flows[0]!.results[0]).not.toBe(report.flows[0]!.results[0]);
    const plain = { flows: [{ detail: 'no flag here', rule: { name: 'a' } }] };
    expect(reportInputWording(plain)).toBe(plain);
  });

  it('rewords messages, keeps config names and paths as written, and leaves the original alone', () => {
    const before = JSON.stringify(report);
    const shown = reportInputWording(report);
    expect(JSON.stringify(report)).toBe(before);
    expect(shown.flows[0]!.detail).toContain('the "source" input');
    expect(shown.flows[0]!.assumptions).toEqual(['egress zone from the "destination-zone" input']);
    expect(shown.flows[0]!.results[0]).toEqual({
      policy: '--relay',
      detail: 'name it with the "destination-zone" input',
    });
    expect(shown.flows[0]!.rule).toEqual(report.flows[0]!.rule);
    expect(shown.notes).toEqual(['override it with the "catalog" input']);
    expect(shown.warnings[0]!.message).toBe('see the "source" input');
    expect(shown.inputs).toEqual(report.inputs);
  });
});
