import { describe, expect, it } from 'vitest';
import { ENCRYPTED_REASON } from '../../../src/formats/fortigate/detect.js';
import { fortigateReader } from '../../../src/formats/fortigate/fortigate-reader.js';
import { backup, fixture, HEADER, readError } from './helpers.js';

const detect = (text: string) => fortigateReader.detect({ path: 'x.conf', text });

describe('FortiGate detection', () => {
  it('says yes to every fixture', () => {
    for (const name of [
      'hq-backup-7.2.conf',
      'dual-stack-sdwan-7.4.conf',
      'multi-vdom-6.2.conf',
      'edge-show-6.2.txt',
    ]) {
      expect(fortigateReader.detect(fixture(name)), name).toEqual({ kind: 'yes' });
    }
  });

  it('says yes to a backup, to show output after a prompt line, and to a bare config fragment', () => {
    expect(detect(backup(''))).toEqual({ kind: 'yes' });
    expect(detect(`FGT60F # show\n${backup('')}`)).toEqual({ kind: 'yes' });
    expect(
      detect('FG_VM-Demo $ show full-configuration\nconfig system global\n    set hostname "x"\nend\n'),
    ).toEqual({
      kind: 'yes',
    });
    expect(
      detect('config firewall address\n    edit "a"\n        set subnet 10.0.0.0 255.0.0.0\n    next\nend\n'),
    ).toEqual({
      kind: 'yes',
    });
  });

  it('says no to other formats', () => {
    expect(detect('format: generic/v1\ndefault: deny\nrules: []\n')).toEqual({ kind: 'no' });
    expect(detect(': Saved\nASA Version 9.16(3)\nhostname asa\n')).toEqual({ kind: 'no' });
    expect(detect('set system host-name srx\nset security policies\n')).toEqual({ kind: 'no' });
    expect(detect('config system global\nhello\n')).toEqual({ kind: 'no' });
  });

  it('calls a backup header followed by no config grammar an encrypted backup', () => {
    const encrypted = `${HEADER}\nU2FsdGVkX1+8m2Q0yN0Gg7pQ6j4rX1o2b3c4d5e6f7g8h9i0jKlMnOpQrStUvWxYz\nq1w2e3r4t5y6u7i8o9p0\n`;
    expect(detect(encrypted)).toEqual({ kind: 'near-miss', reason: ENCRYPTED_REASON });
    expect(
      detect(
        '#config-version=FGT60F-7.2.5-FW-build1517-230606:opmode=0:vdom=0:user=admin\n\uFFFD\uFFFD\u0007x\n',
      ),
    ).toEqual({
      kind: 'near-miss',
      reason: 'encrypted FortiGate backup: export it without a password',
    });
    const e = readError(encrypted, 'enc.conf');
    expect([e.path, e.line, e.message]).toEqual(['enc.conf', 1, ENCRYPTED_REASON]);
  });

  it('calls another Fortinet product a near miss', () => {
    const d = detect(
      '#config-version=FWB1KE-7.0.2-FW-build0123-220101:opmode=0:vdom=0:user=admin\nconfig system global\nend\n',
    );
    expect(d.kind).toBe('near-miss');
    expect(d.kind === 'near-miss' && d.reason).toMatch(/model "FWB1KE", not a FortiGate/);
  });

  it('has the id and name the CLI shows', () => {
    expect(fortigateReader.id).toBe('fortigate');
    expect(fortigateReader.name).toMatch(/FortiGate/);
  });
});
