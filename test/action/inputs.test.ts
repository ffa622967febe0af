import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { splitList } from '../../src/action/list-input.js';
import { resolveSettings } from '../../src/action/settings.js';
import { splitSources } from '../../src/action/source-spec.js';
import { resolveConfigFiles } from '../../src/action/workspace-files.js';
import { expandBraces } from '../../src/action/glob.js';

describe('list inputs', () => {
  it('splits on newlines and commas, not inside {…}', () => {
    expect(splitList('a.yaml\n b.yaml ,c.yaml\r\n\n')).toEqual(['a.yaml', 'b.yaml', 'c.yaml']);
    expect(splitList('fw/{hq,branch}.yaml, x.yaml')).toEqual(['fw/{hq,branch}.yaml', 'x.yaml']);
    expect(expandBraces('fw/{hq,br{a,b}}.yaml')).toEqual(['fw/hq.yaml', 'fw/bra.yaml', 'fw/brb.yaml']);
  });
});

describe('settings', () => {
  it('inputs override the repo config file; defaults fill the rest', () => {
    const s = resolveSettings(
      { config: ['a.yaml'], mode: 'na', 'fail-on': 'never', 'require-backups': true },
      { mode: 'eu', comment: 'always', source: '' },
    );
    expect(s).toMatchObject({
      configs: ['a.yaml'],
      mode: 'eu',
      failOn: 'never',
      comment: 'always',
      requireBackups: true,
      version: 'latest',
      format: 'auto',
      sources: [],
    });
    expect(resolveSettings({}, { config: 'x', 'require-backups': 'TRUE' }).requireBackups).toBe(true);
  });

  it('gathers destination-zone-override items per policy, as the CLI takes them', () => {
    const s = resolveSettings(
      {},
      { config: 'x', 'destination-zone-override': 'vsys1=untrust, root=wan1\nvsys1=dmz' },
    );
    expect(s.destinationZoneOverrides).toEqual(['vsys1=untrust,dmz', 'root=wan1']);
    expect(() => resolveSettings({}, { config: 'x', 'destination-zone-override': 'untrust' })).toThrow(
      /setting "destination-zone-override": "untrust" is not POLICY=ZONE/,
    );
  });

  it('chain takes FORWARD or OUTPUT in any case; anything else names the input', () => {
    expect(resolveSettings({}, { config: 'x', chain: 'output' }).chain).toBe('OUTPUT');
    expect(resolveSettings({ chain: 'FORWARD' }, { config: 'x' }).chain).toBe('FORWARD');
    expect(resolveSettings({}, { config: 'x' }).chain).toBeUndefined();
    expect(() => resolveSettings({}, { config: 'x', chain: 'INPUT' })).toThrow(
      /--chain "INPUT" is not FORWARD \(clients routed through the firewall\) or OUTPUT/,
    );
  });

  it('refuses what it cannot use, naming the setting', () => {
    expect(() => resolveSettings({}, {})).toThrow(/no config given/);
    expect(() => resolveSettings({}, { config: 'x', mode: 'moon' })).toThrow(
      /"mode": "moon" is not one of cloud, na, eu/,
    );
    expect(() => resolveSettings({}, { config: 'x', comment: 'sometimes' })).toThrow(/"comment"/);
    expect(() => resolveSettings({}, { config: 'x', 'require-backups': 'yes' })).toThrow(/true or false/);
  });

  it('source holds CIDRs and zones; a malformed address is an error, not a zone', () => {
    expect(splitSources(['10.0.0.0/8', 'trust', 'zone:10', '2001:db8::/32', '10.1.0.1-10.1.0.9'])).toEqual({
      sources: ['10.0.0.0/8', '2001:db8::/32', '10.1.0.1-10.1.0.9'],
      zones: ['trust', '10'],
    });
    expect(() => splitSources(['10.0.0.0/33'])).toThrow(/zone:10\.0\.0\.0\/33/);
  });
});

describe('config files', () => {
  const root = mkdtempSync(join(tmpdir(), 'rsfc-files-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  for (const f of [
    'fw/hq.yaml',
    'fw/branch.yaml',
    'fw/old/legacy.yaml',
    'fw/notes.txt',
    '.github/x.yaml',
    'node_modules/p/fw.yaml',
  ]) {
    mkdirSync(join(root, f, '..'), { recursive: true });
    writeFileSync(join(root, f), 'x');
  }

  it('expands globs in pattern order, each file once; ! excludes', () => {
    expect(resolveConfigFiles(['fw/*.yaml'], root)).toEqual(['fw/branch.yaml', 'fw/hq.yaml']);
    expect(resolveConfigFiles(['fw/**/*.yaml', '!fw/old/**'], root)).toEqual([
      'fw/branch.yaml',
      'fw/hq.yaml',
    ]);
    expect(resolveConfigFiles(['fw/hq.yaml', 'fw/*.yaml'], root)).toEqual(['fw/hq.yaml', 'fw/branch.yaml']);
    expect(resolveConfigFiles(['fw/{hq,branch}.yaml'], root)).toEqual(['fw/branch.yaml', 'fw/hq.yaml']);
    // Dot directories and installed packages are not searched unless named.
    expect(resolveConfigFiles(['**/*.yaml'], root)).toEqual([
      'fw/branch.yaml',
      'fw/hq.yaml',
      'fw/old/legacy.yaml',
    ]);
    expect(resolveConfigFiles(['.github/*.yaml'], root)).toEqual(['.github/x.yaml']);
  });

  it('a glob matching nothing, or a path leaving the workspace, is an error', () => {
    expect(() => resolveConfigFiles(['fw/*.xml'], root)).toThrow(/matched no file/);
    expect(() => resolveConfigFiles(['../etc/passwd'], root)).toThrow(/outside the workspace/);
    expect(() => resolveConfigFiles(['!fw/hq.yaml'], root)).toThrow(/no config file pattern/);
    // A missing plain path is left to the reader, which says it cannot be read.
    expect(resolveConfigFiles(['fw/missing.yaml'], root)).toEqual(['fw/missing.yaml']);
  });

  it('refuses symbolic links out of the workspace', () => {
    symlinkSync('/etc/hostname', join(root, 'fw/link.yaml'));
    expect(() => resolveConfigFiles(['fw/*.yaml'], root)).toThrow(
      /symbolic link to a file outside the workspace/,
    );
    rmSync(join(root, 'fw/link.yaml'));
  });
});

describe('the contract', () => {
  it('action.yml, the settings and the repo config schema name the same settings', async () => {
    const { load } = await import('js-yaml');
    const { readFileSync } = await import('node:fs');
    const { SETTING_NAMES } = await import('../../src/action/settings.js');
    const action = load(readFileSync('action.yml', 'utf8')) as {
      runs: { using: string; main: string };
      inputs: Record<string, { default?: string }>;
      outputs: Record<string, unknown>;
    };
    const schema = JSON.parse(readFileSync('schemas/action-config.schema.json', 'utf8'));
    expect(action.runs).toEqual({ using: 'node24', main: 'dist/index.js' });
    expect(Object.keys(action.inputs).sort()).toEqual([...SETTING_NAMES, 'github-token'].sort());
    expect(Object.keys(schema.properties).sort()).toEqual([...SETTING_NAMES, '$schema'].sort());
    expect(Object.keys(action.outputs).sort()).toEqual(['comment-id', 'failing-count', 'passed', 'report']);
    // Defaults live in the code, so that an empty input can fall back to the repo config file.
    const withDefault = Object.entries(action.inputs).filter(([, i]) => i.default !== undefined);
    expect(withDefault.map(([n]) => n)).toEqual(['github-token']);
  });
});
