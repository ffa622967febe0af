import { describe, expect, test } from 'vitest';
import { loadCatalogFile, loadCatalogText, resolveFlows } from '../../src/catalog/index.js';
import { InputError } from '../../src/input/input-error.js';
import { fixture, labels, thrown } from './helpers.js';

describe('a full catalog file', () => {
  const path = fixture('catalog-minimal.yaml');

  test('replaces the built-in catalog; releases are sorted, host names lower-cased', () => {
    const catalog = loadCatalogFile(path);
    expect(catalog.catalogVersion).toBe('2026.1.1');
    expect(catalog.path).toBe(path);
    expect(catalog.overlay).toBeUndefined();
    expect(catalog.releases.map((r) => r.version)).toEqual(['1.0.0', '1.2.0']);
    const r = resolveFlows(catalog, { version: 'latest', mode: 'cloud' });
    expect(labels(r.flows)).toEqual(['cdn.example.com:443/tcp', '*:3478/tcp', '*:3478/udp']);
  });

  test('records where each entry is written', () => {
    const catalog = loadCatalogFile(path);
    expect(catalog.releases[1]!.entries.map((e) => e.location)).toEqual([
      { path, line: 16 },
      { path, line: 23 },
    ]);
  });

  test('older releases resolve with their own severity and provenance', () => {
    const r = resolveFlows(loadCatalogFile(path), { version: '1.1.9', mode: 'cloud' });
    expect(r.release).toBe('1.0.0');
    expect(r.flows).toEqual([
      {
        role: 'cdn',
        roleLabel: 'CDN endpoint',
        host: 'cdn.example.com',
        port: 443,
        protocol: 'tcp',
        severity: 'recommended',
        provenance: { source: 'test fixture', verified: false },
      },
    ]);
  });

  test('a mode the catalog does not declare is a usage error', () => {
    expect(thrown(() => resolveFlows(loadCatalogFile(path), { version: 'latest', mode: 'na' })).message).toBe(
      'mode "na" is not in the catalog; modes: cloud',
    );
  });
});

describe('bad catalog files: InputError with path, line and key', () => {
  test.each([
    ['catalog-truncated.yaml', 26, 'invalid YAML: unexpected end of the stream within a flow collection'],
    ['catalog-wrong-type.yaml', 19, 'releases[0].entries[0].ports: must be array (RemoteSpark catalog)'],
    [
      'catalog-bad-protocol.yaml',
      27,
      'releases[0].entries[1].protocols[1]: must be one of "tcp", "udp" (RemoteSpark catalog)',
    ],
    [
      'catalog-port-70000.yaml',
      26,
      'releases[0].entries[1].ports[1]: must be <= 65535 (RemoteSpark catalog)',
    ],
    [
      'catalog-duplicate-release.yaml',
      30,
      'releases[1].version: release "1.2.0" is listed twice (RemoteSpark catalog)',
    ],
    [
      'catalog-bad-version.yaml',
      30,
      'releases[1].version: "1.0-beta" is not a version x.y.z (RemoteSpark catalog)',
    ],
    [
      'catalog-bad-host.yaml',
      35,
      `releases[1].entries[0].hosts[1]: "cdn example.com" is not a host name or '*' (RemoteSpark catalog)`,
    ],
    [
      'catalog-undeclared-role.yaml',
      23,
      'releases[0].entries[1].role: role "stun-turn" is not in roles (RemoteSpark catalog)',
    ],
  ])('%s', (name, line, message) => {
    const e = thrown(() => loadCatalogFile(fixture(name)));
    expect(e).toBeInstanceOf(InputError);
    expect(e).toMatchObject({ path: fixture(name), line, message });
  });

  test('a missing file names the path', () => {
    const e = thrown(() => loadCatalogFile(fixture('no-such-catalog.yaml')));
    expect(e).toBeInstanceOf(InputError);
    expect((e as InputError).format()).toBe(`${fixture('no-such-catalog.yaml')}: cannot be read (ENOENT)`);
  });

  test('a document that is not a mapping is refused by the schema at line 1', () => {
    const e = thrown(() => loadCatalogText({ path: 'list.yaml', text: '- a\n- b\n' }));
    expect(e).toMatchObject({
      path: 'list.yaml',
      line: 1,
      message: '(document): must be object (RemoteSpark catalog)',
    });
  });

  test('port 0 and a fractional port are refused', () => {
    const text = (port: string) =>
      `catalogVersion: 2026.1.1\nmodes: [{id: cloud, label: C}]\nroles: [{id: cdn, label: CDN}]\nreleases:\n  - version: 1.0.0\n    source: s\n    entries:\n      - {role: cdn, modes: [cloud], hosts: [a.example.com], ports: [${port}], protocols: [tcp], severity: required, verified: true}\n`;
    expect(thrown(() => loadCatalogText({ path: 'c.yaml', text: text('0') }))).toMatchObject({
      line: 8,
      message: 'releases[0].entries[0].ports[0]: must be >= 1 (RemoteSpark catalog)',
    });
    expect(thrown(() => loadCatalogText({ path: 'c.yaml', text: text('44.5') }))).toMatchObject({
      line: 8,
      message:
        'releases[0].entries[0].ports[0]: 44.5 is not a whole number; must be integer (RemoteSpark catalog)',
    });
  });
});

describe('deduplication', () => {
  test('a flow two roles need is kept once, under the first role, required if either entry is', () => {
    const text = [
      'catalogVersion: 2026.1.1',
      'modes: [{id: cloud, label: C}]',
      'roles: [{id: cdn, label: CDN}, {id: web-na, label: Web}]',
      'releases:',
      '  - version: 1.0.0',
      '    source: s',
      '    entries:',
      '      - {role: web-na, modes: [cloud], hosts: [shared.example.com], ports: [443], protocols: [tcp], severity: required, verified: true}',
      '      - {role: cdn, modes: [cloud], hosts: [SHARED.example.com, cdn.example.com], ports: [443], protocols: [tcp], severity: recommended, verified: true}',
      '',
    ].join('\n');
    const flows = resolveFlows(loadCatalogText({ path: 'c.yaml', text }), {
      version: '1.0.0',
      mode: 'cloud',
    }).flows;
    expect(flows.map((f) => `${f.role} ${f.host} ${f.severity}`)).toEqual([
      'cdn cdn.example.com recommended',
      'cdn shared.example.com required',
    ]);
  });
});
