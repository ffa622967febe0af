import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { runCheck } from '../../../src/check/run-check.js';
import { readConfigTree } from '../../../src/formats/fortigate/config-tree.js';
import { readerFacts } from '../../../src/formats/fortigate/fix-facts.js';
import { LayoutRecorder } from '../../../src/formats/fortigate/layout.js';
import { releaseFortigate } from '../../../src/formats/fortigate/remediate.js';
import type { InputFile } from '../../../src/input/input-file.js';
import { remediate } from '../../../src/remediate/remediate.js';
import { HEADER } from './helpers.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

// Every read of an export, by the file read.
const reads = vi.hoisted(() => ({ files: [] as unknown[] }));
vi.mock('../../../src/formats/fortigate/read-file.js', async (original) => {
  const real = await original<typeof import('../../../src/formats/fortigate/read-file.js')>();
  return {
    ...real,
    readFortigateFile: (file: InputFile) => {
      reads.files.push(file);
      return real.readFortigateFile(file);
    },
  };
});

describe('FortiGate fixes from what the reader noted', () => {
  it('never read the whole text nor parse the export again, for all its VDOMs, and are dropped before the proofs', async () => {
    const check = await runCheck({
      configs: ['fixtures/fortigate/multi-vdom-6.2.conf'],
      version: 'latest',
      mode: 'cloud',
      sources: ['10.61.0.0/16'],
    });
    const file = check.evaluation.inputs[0]!.file;
    expect(file.chunks).toBeDefined();
    Object.defineProperty(file, 'text', {
      get() {
        throw new Error('the whole text was read');
      },
    });
    expect(readerFacts.has(file)).toBe(true);
    const fixes = await remediate(check);
    for (const f of fixes) expect(f.reason ?? '').not.toContain('whole text');
    expect(new Set(fixes.filter((f) => f.edits.length > 0).map((f) => f.policy)).size).toBeGreaterThan(1);
    expect(fixes.filter((f) => f.verified).length).toBeGreaterThan(2);
    // The proofs read patched copies; the export itself was read once, by the check.
    expect(reads.files.filter((f) => f === file)).toHaveLength(1);
    expect(readerFacts.has(file)).toBe(false);
    // The proofs released the check's rules: fixing the same check again is refused, not answered from
    // rules that are gone.
    await expect(remediate(check)).rejects.toThrow(/remediated already/);
  });

  it('read the export again, in pieces, where the reader dropped its facts before the fixes', async () => {
    const options = {
      configs: ['fixtures/fortigate/multi-vdom-6.2.conf'],
      version: 'latest',
      mode: 'cloud' as const,
      sources: ['10.61.0.0/16'],
    };
    const fixes = await remediate(await runCheck(options));
    const check = await runCheck(options);
    const file = check.evaluation.inputs[0]!.file;
    releaseFortigate(file);
    expect(readerFacts.has(file)).toBe(false);
    expect(await remediate(check)).toEqual(fixes);
    expect(reads.files.filter((f) => f === file)).toHaveLength(2);
  });
});

/** The layout and version the reader notes of `text` read in the given pieces. */
function noted(pieces: readonly string[]) {
  const recorder = new LayoutRecorder();
  readConfigTree('t.conf', pieces, undefined, recorder);
  return { layout: recorder.layout, version: recorder.version };
}

describe('what the reader notes for the fixes', () => {
  it('is the same however the text is cut, indentation split across pieces included', () => {
    for (const name of ['hq-backup-7.2.conf', 'multi-vdom-6.2.conf', 'edge-show-6.2.txt']) {
      const text = readFileSync(`fixtures/fortigate/${name}`, 'utf8');
      const whole = noted([text]);
      expect(whole.layout.size).toBeGreaterThan(0);
      for (const size of [1, 3, 7, 64]) {
        const pieces: string[] = [];
        for (let i = 0; i < text.length; i += size) pieces.push(text.slice(i, i + size));
        expect(noted(pieces), `${name} in pieces of ${size}`).toEqual(whole);
      }
    }
  });

  it('keeps the indentation of a statement over several lines that a piece cuts', () => {
    // A statement not ended at a piece's last line break is read again with the next piece.
    const text = `${HEADER}\nconfig firewall address\n\t  edit "a"\n\t\t  set comment "one\ntwo\nthree"\n\t\t  set subnet 10.0.0.0 255.0.0.0\n\t  next\nend\n`;
    const whole = noted([text]);
    expect(whole.layout.get('')!.get('firewall address')![0]!.indent).toEqual({
      config: '',
      edit: '\t  ',
      set: '\t\t  ',
    });
    for (let k = 1; k < text.length; k++) {
      expect(noted([text.slice(0, k), text.slice(k)]), `cut at ${k}`).toEqual(whole);
    }
  });

  it('reads the FortiOS version from the header', () => {
    expect(noted([`${HEADER}\nconfig system global\nend\n`]).version).toEqual([7, 2]);
  });
});

/** A backup whose only policy denies everything from port2, with the given address objects. */
function denying(addresses: string): string {
  return `${HEADER}
config firewall address
    edit "all"
    next
${addresses}end
config firewall policy
    edit 1
        set srcintf "port2"
        set dstintf "wan1"
        set srcaddr "all"
        set dstaddr "all"
        set action deny
        set schedule "always"
        set service "ALL"
    next
end
`;
}

async function clientsObject(addresses: string): Promise<string | undefined> {
  const dir = mkdtempSync(join(tmpdir(), 'rsfc-fgt-facts-'));
  dirs.push(dir);
  const path = join(dir, 'fgt.conf');
  writeFileSync(path, denying(addresses));
  const check = await runCheck({
    configs: [path],
    version: 'latest',
    mode: 'cloud',
    sources: ['10.1.0.0/16'],
  });
  const fix = (await remediate(check)).find((f) => f.commands.length > 0)!;
  return fix.commands.find((c) => c.trim().startsWith('set srcaddr'))?.trim();
}

const clients = (name: string, more = '') =>
  `    edit "${name}"\n        set subnet 10.1.0.0 255.255.0.0\n${more}    next\n`;

describe('reusing an address object the reader kept only part of', () => {
  it('skips one with a malformed value in a setting the reader skips (comment), as when every setting was kept', async () => {
    const bad = clients('c-bad', '        set comment "x"y\n');
    expect(await clientsObject(bad + clients('c-good'))).toBe('set srcaddr "c-good"');
  });

  it('takes it again once the malformed value is unset or set anew', async () => {
    const unset = clients('c-bad', '        set comment "x"y\n        unset comment\n');
    expect(await clientsObject(unset + clients('c-good'))).toBe('set srcaddr "c-bad"');
    const reset = clients('c-bad', '        set comment "x"y\n        set comment "fine"\n');
    expect(await clientsObject(reset + clients('c-good'))).toBe('set srcaddr "c-bad"');
  });

  it('names a new one apart from the names a fix would use that are taken', async () => {
    const taken = `    edit "remotespark-clients-10.1.0.0_16"\n        set subnet 10.9.0.0 255.255.0.0\n    next\n`;
    expect(await clientsObject(taken)).toBe('set srcaddr "remotespark-clients-10.1.0.0_16-2"');
  });

  it('skips one tied to another interface (associated-interface)', async () => {
    const tied = clients('c-tied', '        set associated-interface "port9"\n');
    expect(await clientsObject(tied + clients('c-free'))).toBe('set srcaddr "c-free"');
  });
});
