import { describe, expect, test } from 'vitest';
import { CatalogUsageError, loadBuiltinCatalog, resolveFlows, type Mode } from '../../src/catalog/index.js';
import { parseCidr } from '../../src/model/ip.js';
import { labels, thrown } from './helpers.js';

const catalog = loadBuiltinCatalog();
const flows = (version: string, mode: Mode, requireRecommended = false) =>
  resolveFlows(catalog, { version, mode, requireRecommended }).flows;

/** `role host:port/protocol severity`, one string per flow, in report order. */
const table = (version: string, mode: Mode) =>
  flows(version, mode).map((f) => `${f.role} ${f.host}:${f.port}/${f.protocol} ${f.severity}`);

const both = (host: string, ports: number[]) =>
  ports.flatMap((p) => [`${host}:${p}/tcp`, `${host}:${p}/udp`]);

describe('cloud mode', () => {
  test('2.1.80: Traffic Manager, CDN, both regions, web browser, STUN/TURN on 3478 and 8089, backups, DNS', () => {
    expect(table('2.1.80', 'cloud')).toEqual([
      'traffic-manager remotespark.trafficmanager.net:443/tcp required',
      'cdn cdn.kognitivspark.net:443/tcp required',
      'web-na remotespark-na.azurewebsites.net:443/tcp required',
      'storage-na remotesparkna.blob.core.windows.net:443/tcp required',
      'web-eu remotespark-eu.azurewebsites.net:443/tcp required',
      'storage-eu remotesparkeu.blob.core.windows.net:443/tcp required',
      'web-browser app.kognitivspark.net:443/tcp required',
      ...both('*', [3478, 8089]).map((l) => `stun-turn ${l} required`),
      ...both('turn-eu.kognitivspark.net', [3478, 8089]).map((l) => `stun-turn-redundancy ${l} recommended`),
      ...both('turn-na.kognitivspark.net', [3478, 8089]).map((l) => `stun-turn-redundancy ${l} recommended`),
      ...both('turn-backup-eu.kognitivspark.net', [3478, 8089]).map((l) => `backup ${l} recommended`),
      ...both('turn-backup-na.kognitivspark.net', [3478, 8089]).map((l) => `backup ${l} recommended`),
      'dns *:53/tcp required',
      'dns *:53/udp required',
    ]);
  });

  test('before 2.1.80 there is no 8089 and no web browser endpoint', () => {
    const f = flows('2.0.33', 'cloud');
    expect(f.filter((x) => x.port === 8089)).toEqual([]);
    expect(f.filter((x) => x.role === 'web-browser')).toEqual([]);
    expect(labels(f.filter((x) => x.role === 'stun-turn'))).toEqual(both('*', [3478]));
    expect(f.map((x) => x.role)).toContain('traffic-manager');
  });

  test('no cloud flow uses 5349 (only pinned clients need it)', () => {
    expect(flows('latest', 'cloud').filter((x) => x.port === 5349)).toEqual([]);
  });
});

describe('pinned modes', () => {
  test('na 2.1.80: no Traffic Manager, only NA web/storage, STUN/TURN on 3478, 5349, 8089', () => {
    expect(table('2.1.80', 'na')).toEqual([
      'cdn cdn.kognitivspark.net:443/tcp required',
      'web-na remotespark-na.azurewebsites.net:443/tcp required',
      'storage-na remotesparkna.blob.core.windows.net:443/tcp required',
      'web-browser app.kognitivspark.net:443/tcp required',
      ...both('*', [3478, 5349, 8089]).map((l) => `stun-turn ${l} required`),
      ...both('turn-na.kognitivspark.net', [3478, 5349, 8089]).map(
        (l) => `stun-turn-redundancy ${l} recommended`,
      ),
      ...both('turn-backup-na.kognitivspark.net', [3478, 5349, 8089]).map((l) => `backup ${l} recommended`),
      'dns *:53/tcp required',
      'dns *:53/udp required',
    ]);
  });

  test('eu 2.1.80 mirrors na with the Europe endpoints', () => {
    expect(table('2.1.80', 'eu')).toEqual([
      'cdn cdn.kognitivspark.net:443/tcp required',
      'web-eu remotespark-eu.azurewebsites.net:443/tcp required',
      'storage-eu remotesparkeu.blob.core.windows.net:443/tcp required',
      'web-browser app.kognitivspark.net:443/tcp required',
      ...both('*', [3478, 5349, 8089]).map((l) => `stun-turn ${l} required`),
      ...both('turn-eu.kognitivspark.net', [3478, 5349, 8089]).map(
        (l) => `stun-turn-redundancy ${l} recommended`,
      ),
      ...both('turn-backup-eu.kognitivspark.net', [3478, 5349, 8089]).map((l) => `backup ${l} recommended`),
      'dns *:53/tcp required',
      'dns *:53/udp required',
    ]);
  });

  test('na 2.0.33: STUN/TURN on 3478 and 5349 only (8089 starts at 2.1.80), no web browser', () => {
    const f = flows('2.0.33', 'na');
    expect(labels(f.filter((x) => x.role === 'stun-turn'))).toEqual(both('*', [3478, 5349]));
    expect(new Set(f.map((x) => x.role))).toEqual(
      new Set(['cdn', 'web-na', 'storage-na', 'stun-turn', 'stun-turn-redundancy', 'backup', 'dns']),
    );
  });

  test('the result names release, catalog version and mode', () => {
    const r = resolveFlows(catalog, { version: '2.0.50', mode: 'eu' });
    expect({
      release: r.release,
      catalogVersion: r.catalogVersion,
      mode: r.mode,
      overlay: r.overlay,
    }).toEqual({
      release: '2.0.33',
      catalogVersion: '2026.11.1',
      mode: 'eu',
      overlay: undefined,
    });
  });

  test('an unknown mode is a usage error', () => {
    const e = thrown(() => resolveFlows(catalog, { version: 'latest', mode: 'apac' as Mode }));
    expect(e).toBeInstanceOf(CatalogUsageError);
    expect(e.message).toBe('mode "apac" is not in the catalog; modes: cloud, na, eu');
  });
});

describe('flow list shape', () => {
  test.each(['cloud', 'na', 'eu'] as const)('%s: one flow per host, port and protocol', (mode) => {
    const l = labels(flows('latest', mode));
    expect(new Set(l).size).toBe(l.length);
  });

  test('every flow carries its role label', () => {
    const f = flows('latest', 'cloud');
    expect(f.find((x) => x.role === 'stun-turn')?.roleLabel).toBe('STUN/TURN relays');
    expect(f.every((x) => x.roleLabel.length > 0)).toBe(true);
  });
});

describe('severity', () => {
  test('redundancies and backups are the only recommended flows', () => {
    const roles = new Set(
      flows('latest', 'cloud')
        .filter((f) => f.severity === 'recommended')
        .map((f) => f.role),
    );
    expect(roles).toEqual(new Set(['stun-turn-redundancy', 'backup']));
  });

  test('requireRecommended makes every flow required, and changes nothing else', () => {
    const plain = flows('latest', 'cloud');
    const strict = flows('latest', 'cloud', true);
    expect(strict.every((f) => f.severity === 'required')).toBe(true);
    expect(labels(strict)).toEqual(labels(plain));
  });
});

describe('provenance', () => {
  test('of named hosts, only cdn.kognitivspark.net is verified', () => {
    const named = flows('latest', 'cloud').filter((f) => f.host !== '*');
    const verified = new Set(named.filter((f) => f.provenance.verified).map((f) => f.host));
    expect(verified).toEqual(new Set(['cdn.kognitivspark.net']));
    for (const f of named.filter((x) => !x.provenance.verified)) {
      expect(f.provenance.note).toBe(
        'hostname not in the public article; confirm with Kognitiv Spark Support',
      );
    }
  });

  test("'*' destinations (STUN/TURN, DNS) are verified: the article says any destination", () => {
    const any = flows('latest', 'na').filter((f) => f.host === '*');
    expect(new Set(any.map((f) => f.role))).toEqual(new Set(['stun-turn', 'dns']));
    expect(any.every((f) => f.provenance.verified)).toBe(true);
  });

  test('every flow names the article, its edition and date', () => {
    for (const [version, edition] of [
      ['2.0.33', '2.0.x'],
      ['2.1.80', '2.x'],
    ] as const) {
      for (const f of flows(version, 'cloud')) {
        expect(f.provenance).toMatchObject({
          source: 'Kognitiv Spark, "Network Firewall Rules"',
          edition,
          date: '2026-11-24',
        });
      }
    }
  });
});

describe('relays from the command line', () => {
  test("set the relay addresses of STUN/TURN '*' flows only", () => {
    const r = resolveFlows(catalog, {
      version: 'latest',
      mode: 'cloud',
      relays: ['203.0.113.0/24', '198.51.100.7'],
    });
    const withRelays = r.flows.filter((f) => f.relays);
    expect(labels(withRelays)).toEqual(both('*', [3478, 8089]));
    expect(withRelays.every((f) => f.role === 'stun-turn' && f.host === '*')).toBe(true);
    const relays = withRelays[0]!.relays!;
    expect(relays.text).toEqual(['203.0.113.0/24', '198.51.100.7']);
    expect(relays.set.equals(parseCidr('203.0.113.0/24').union(parseCidr('198.51.100.7/32')))).toBe(true);
    expect(r.flows.find((f) => f.role === 'dns')?.relays).toBeUndefined();
  });

  test('a bad relay address is a usage error naming it', () => {
    const e = thrown(() =>
      resolveFlows(catalog, { version: 'latest', mode: 'cloud', relays: ['10.0.0.0/33'] }),
    );
    expect(e).toBeInstanceOf(CatalogUsageError);
    expect(e.message).toBe('relay address "10.0.0.0/33": prefix length 33 is out of range 0-32 for ipv4');
  });

  test('an empty list leaves STUN/TURN as any destination', () => {
    const r = resolveFlows(catalog, { version: 'latest', mode: 'cloud', relays: [] });
    expect(r.flows.some((f) => f.relays)).toBe(false);
  });
});
