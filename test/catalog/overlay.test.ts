import { describe, expect, test } from 'vitest';
import { loadBuiltinCatalog, loadCatalogFile, resolveFlows, type Mode } from '../../src/catalog/index.js';
import { InputError } from '../../src/input/input-error.js';
import { parseCidr, parseRange } from '../../src/model/ip.js';
import { fixture, labels, thrown } from './helpers.js';

const contoso = fixture('overlay-contoso.yaml');
const withOverlay = (mode: Mode, version = 'latest', relays?: string[]) =>
  resolveFlows(loadCatalogFile(contoso), { version, mode, ...(relays && { relays }) });
const ofRole = (flows: ReturnType<typeof withOverlay>['flows'], role: string) =>
  flows.filter((f) => f.role === role);

describe('an overlay on the built-in catalog', () => {
  test('keeps the built-in catalog version and releases, and names itself', () => {
    const catalog = loadCatalogFile(contoso);
    expect(catalog.catalogVersion).toBe('2026.11.1');
    expect(catalog.overlay).toBe(contoso);
    expect(catalog.releases.map((r) => r.version)).toEqual(['2.0.33', '2.1.80']);
    expect(withOverlay('cloud').overlay).toBe(contoso);
  });

  test('does not change the built-in catalog', () => {
    loadCatalogFile(contoso);
    const plain = resolveFlows(loadBuiltinCatalog(), { version: 'latest', mode: 'cloud' }).flows;
    expect(ofRole(plain, 'traffic-manager').map((f) => f.host)).toEqual(['remotespark.trafficmanager.net']);
    expect(plain.some((f) => f.relays)).toBe(false);
  });

  test('hosts: replaces the role hosts, keeping the catalog ports, with the overlay as provenance', () => {
    const tm = ofRole(withOverlay('cloud').flows, 'traffic-manager');
    expect(labels(tm)).toEqual(['contoso-remotespark.trafficmanager.net:443/tcp']);
    expect(tm[0]!.provenance).toEqual({
      source: contoso,
      verified: true,
      note: 'set by user overlay: Kognitiv Spark Support ticket 4711; ports and protocols from Kognitiv Spark, "Network Firewall Rules", 2.x edition',
    });
  });

  test('addHosts: adds hosts next to the catalog ones', () => {
    const web = ofRole(withOverlay('na').flows, 'web-na');
    expect(labels(web)).toEqual([
      'remotespark-na.azurewebsites.net:443/tcp',
      'remotespark-na2.azurewebsites.net:443/tcp',
    ]);
    expect(web.map((f) => f.provenance.verified)).toEqual([false, true]);
  });

  test('addFlows: adds flows in the listed modes from the `since` release', () => {
    expect(labels(ofRole(withOverlay('cloud').flows, 'web-browser'))).toEqual([
      'app.kognitivspark.net:443/tcp',
      'portal.contoso.example:8443/tcp',
    ]);
    expect(labels(ofRole(withOverlay('na').flows, 'web-browser'))).toEqual(['app.kognitivspark.net:443/tcp']);
    expect(ofRole(withOverlay('cloud', '2.0.33').flows, 'web-browser')).toEqual([]);
    const added = ofRole(withOverlay('cloud').flows, 'web-browser')[1]!;
    expect(added.severity).toBe('required');
    expect(added.provenance).toEqual({
      source: contoso,
      verified: true,
      note: 'set by user overlay: Kognitiv Spark Support ticket 4711',
    });
  });

  test('severity: changes the role severity both ways, and a role note replaces the overlay note', () => {
    const flows = withOverlay('cloud').flows;
    expect(new Set(ofRole(flows, 'backup').map((f) => f.severity))).toEqual(new Set(['required']));
    expect(new Set(ofRole(flows, 'stun-turn-redundancy').map((f) => f.severity))).toEqual(
      new Set(['recommended']),
    );
    const dns = ofRole(flows, 'dns');
    expect(dns.map((f) => f.severity)).toEqual(['recommended', 'recommended']);
    // Severity alone does not change where the entry comes from.
    expect(dns[0]!.provenance.source).toBe('Kognitiv Spark, "Network Firewall Rules"');
  });

  test('relays: set on STUN/TURN any-destination flows', () => {
    const stun = ofRole(withOverlay('eu').flows, 'stun-turn');
    expect(stun).toHaveLength(6);
    for (const f of stun) {
      expect(f.host).toBe('*');
      expect(f.relays?.text).toEqual(['203.0.113.0/24', '198.51.100.10', '2001:db8::/32']);
    }
    const expected = parseCidr('203.0.113.0/24')
      .union(parseCidr('198.51.100.10'))
      .union(parseCidr('2001:db8::/32'));
    expect(stun[0]!.relays!.set.equals(expected)).toBe(true);
  });

  test('relays given on the command line replace the overlay relays', () => {
    const stun = ofRole(withOverlay('cloud', 'latest', ['192.0.2.0/28']).flows, 'stun-turn');
    expect(stun.every((f) => f.relays?.text.join() === '192.0.2.0/28')).toBe(true);
  });

  test('a JSON overlay works the same way (ranges accepted)', () => {
    const r = resolveFlows(loadCatalogFile(fixture('overlay-relays.json')), {
      version: 'latest',
      mode: 'cloud',
    });
    const stun = ofRole(r.flows, 'stun-turn');
    expect(stun.every((f) => f.relays?.set.equals(parseRange('198.51.100.0-198.51.100.15')))).toBe(true);
    expect(labels(ofRole(r.flows, 'cdn'))).toEqual(['cdn.kognitivspark.net:443/tcp']);
  });
});

describe('overlay errors name the file, the line and the key', () => {
  test.each([
    [
      'overlay-unknown-role.yaml',
      5,
      'roles.turn-servers: unknown role "turn-servers"; known roles: traffic-manager, cdn, web-na, storage-na, web-eu, storage-eu, web-browser, stun-turn, stun-turn-redundancy, backup, dns (RemoteSpark catalog overlay)',
    ],
    [
      'overlay-bad-relay.yaml',
      6,
      'roles.stun-turn.relays[1]: relay address "10.0.0.0/33": prefix length 33 is out of range 0-32 for ipv4 (RemoteSpark catalog overlay)',
    ],
    [
      'overlay-relays-not-allowed.yaml',
      4,
      'roles.dns.relays: role "dns" takes no relay addresses; only stun-turn (RemoteSpark catalog overlay)',
    ],
    [
      'overlay-bad-host.yaml',
      6,
      `roles.cdn.addHosts[1]: "https://cdn3.kognitivspark.net/" is not a host name or '*' (RemoteSpark catalog overlay)`,
    ],
    [
      'overlay-bad-since.yaml',
      8,
      'roles.web-browser.addFlows[0].since: "2.1.85" is not a release of the catalog; releases: 2.0.33, 2.1.80 (RemoteSpark catalog overlay)',
    ],
    ['overlay-unknown-key.yaml', 4, 'roles.cdn: unknown key "host" (RemoteSpark catalog overlay)'],
    [
      'neither.yaml',
      2,
      'neither a RemoteSpark catalog (no "catalogVersion" key) nor an overlay (no "overlay: 1" key)',
    ],
  ])('%s', (name, line, message) => {
    const e = thrown(() => loadCatalogFile(fixture(name)));
    expect(e).toBeInstanceOf(InputError);
    expect(e).toMatchObject({ path: fixture(name), line, message });
  });
});
