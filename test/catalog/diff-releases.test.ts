import { describe, expect, it } from 'vitest';
import { diffReleases, loadBuiltinCatalog, loadCatalogFile } from '../../src/catalog/index.js';
import type { FlowDiffEntry } from '../../src/catalog/index.js';
import { fixture, thrown } from './helpers.js';

const label = (e: FlowDiffEntry) => {
  const f = (e.after ?? e.before)!;
  return `${e.change} ${f.host}:${f.port}/${f.protocol}${e.fields.length ? ` [${e.fields.join(',')}]` : ''}`;
};

describe('diffReleases', () => {
  const catalog = loadCatalogFile(fixture('catalog-diff.yaml'));

  it('reports added, changed (each property) and dropped flows, in that order', () => {
    const d = diffReleases(catalog, {
      from: '1.0.0',
      to: '1.2.0',
      mode: 'cloud',
      relays: ['203.0.113.0/24'],
    });
    expect(d.entries.map(label)).toEqual([
      'added media.example.com:5000/udp',
      'changed cdn.example.com:443/tcp [severity,verified]',
      // STUN/TURN takes relays, the web-browser role does not: the flow now goes to any address.
      'changed *:3478/udp [role,relays]',
      'dropped old.example.com:8080/tcp',
    ]);
    expect(d.unchanged).toBe(0);
    expect(d.from).toEqual({ requested: '1.0.0', release: '1.0.0' });
  });

  it('compares what a check would apply: --require-backups hides severity changes', () => {
    const d = diffReleases(catalog, { from: '1.0.0', to: '1.2.0', mode: 'cloud', requireRecommended: true });
    expect(d.entries.map(label)).toContain('changed cdn.example.com:443/tcp [verified]');
    // Without relays given, the role is the only thing that changes for *:3478/udp.
    expect(d.entries.map(label)).toContain('changed *:3478/udp [role]');
  });

  it('resolves versions as a check does (the newest release at or below)', () => {
    const d = diffReleases(catalog, { from: '1.1.9', to: '7.0.0', mode: 'cloud' });
    expect(d.from).toEqual({ requested: '1.1.9', release: '1.0.0' });
    expect(d.to).toEqual({ requested: '7.0.0', release: '1.2.0' });
  });

  it('built-in catalog, cloud: 2.1.80 adds 8089 TCP and UDP to any address, and nothing is dropped', () => {
    const d = diffReleases(loadBuiltinCatalog(), { from: '2.0.33', to: '2.1.80', mode: 'cloud' });
    const added = d.entries.filter((e) => e.change === 'added').map(label);
    expect(added).toEqual(expect.arrayContaining(['added *:8089/tcp', 'added *:8089/udp']));
    expect(added).toContain('added app.kognitivspark.net:443/tcp');
    expect(d.entries.every((e) => e.change === 'added')).toBe(true);
  });

  it('refuses an unknown version, listing the known releases', () => {
    const e = thrown(() => diffReleases(catalog, { from: '0.9.0', to: '1.2.0', mode: 'cloud' }));
    expect(e.message).toMatch(/older than every release .*known releases: 1\.0\.0, 1\.2\.0/);
    expect(thrown(() => diffReleases(catalog, { from: '1.0.0', to: 'next', mode: 'cloud' })).message).toMatch(
      /not a version x\.y\.z .*known releases: 1\.0\.0, 1\.2\.0/,
    );
  });
});
