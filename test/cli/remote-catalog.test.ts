import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { catalogCacheDir } from '../../src/catalog/remote/cache-dir.js';
import { sha256Hex } from '../../src/catalog/remote/sha256.js';
import { serveCatalogs, type CatalogServer } from '../catalog/catalog-server.js';
import { runCli } from './cli-io.js';

const OVERLAY = readFileSync('test/catalog/fixtures/overlay-contoso.yaml', 'utf8');
const DIGEST = sha256Hex(Buffer.from(OVERLAY));
const WRONG = 'ab'.repeat(32);
const CONFIG = 'examples/branch-office.yaml';

let server: CatalogServer;
let cacheHome: string;
const url = (path = '/contoso.yaml') => `${server.url}${path}`;
const cachedFile = () => join(catalogCacheDir(), `${DIGEST}.yaml`);

beforeAll(async () => {
  server = await serveCatalogs({ '/contoso.yaml': OVERLAY });
});
afterAll(() => server.close());

beforeEach(() => {
  cacheHome = mkdtempSync(join(tmpdir(), 'rsfc-cache-'));
  // Every platform's cache location points into the temporary directory.
  vi.stubEnv('XDG_CACHE_HOME', cacheHome);
  vi.stubEnv('HOME', cacheHome);
  vi.stubEnv('LOCALAPPDATA', cacheHome);
  server.requests.length = 0;
});
afterEach(() => {
  vi.unstubAllEnvs();
  rmSync(cacheHome, { recursive: true, force: true });
});

describe('--catalog URL --catalog-sha256', () => {
  it('downloads once into the user cache, then checks from the cache without a request', async () => {
    const args = ['check', CONFIG, '--catalog', url(), '--catalog-sha256', DIGEST, '--json'];
    const first = await runCli(...args);
    expect(first.stderr).toBe('');
    expect(server.requests).toEqual(['/contoso.yaml']);
    expect(cachedFile()).toBe(join(cacheHome, 'remotespark-firewall-check', 'catalogs', `${DIGEST}.yaml`));
    expect(readFileSync(cachedFile(), 'utf8')).toBe(OVERLAY);
    const report = JSON.parse(first.stdout);
    // The overlay was applied: its Traffic Manager host replaces the built-in one.
    expect(report.target.overlay).toBe(cachedFile());
    const hosts = report.flows.map((f: { host: string }) => f.host);
    expect(hosts).toContain('contoso-remotespark.trafficmanager.net');
    expect(hosts).not.toContain('remotespark.trafficmanager.net');

    const second = await runCli(...args);
    expect(server.requests).toHaveLength(1);
    expect(second.status).toBe(first.status);
    expect(second.stdout).toBe(first.stdout);
  });

  it('with --baseline, both sides use the downloaded catalog (it is not looked for in git)', async () => {
    const r = await runCli(
      'check',
      CONFIG,
      '--catalog',
      url(),
      '--catalog-sha256',
      DIGEST,
      '--baseline',
      'HEAD',
      '--json',
    );
    const report = JSON.parse(r.stdout);
    expect(report.baseline).toMatchObject({ ref: 'HEAD' });
    expect(report.baseline).not.toHaveProperty('error');
    expect(report.baseline.missing ?? []).toEqual([]);
    expect(server.requests).toHaveLength(1);
  });

  it('still checks when the cache cannot be written, and says so', async () => {
    const blocked = join(cacheHome, 'not-a-directory');
    writeFileSync(blocked, '');
    vi.stubEnv('XDG_CACHE_HOME', blocked);
    const r = await runCli('catalog', 'flows', '--catalog', url(), '--catalog-sha256', DIGEST);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('contoso-remotespark.trafficmanager.net');
    expect(r.stderr).toMatch(/^warning: could not cache the catalog in .*not-a-directory.* \(ENOTDIR\)/);
  });

  it('takes the digest in upper case too', async () => {
    const r = await runCli('catalog', 'flows', '--catalog', url(), '--catalog-sha256', DIGEST.toUpperCase());
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('contoso-remotespark.trafficmanager.net');
  });

  it('downloads again when the cached copy no longer has the digest', async () => {
    await runCli('catalog', 'flows', '--catalog', url(), '--catalog-sha256', DIGEST);
    writeFileSync(cachedFile(), `${OVERLAY}\n# edited\n`);
    const r = await runCli('catalog', 'flows', '--catalog', url(), '--catalog-sha256', DIGEST);
    expect(r.status).toBe(0);
    expect(server.requests).toHaveLength(2);
    expect(readFileSync(cachedFile(), 'utf8')).toBe(OVERLAY);
  });

  it('refuses a download with another digest, naming both digests and the URL (exit 2)', async () => {
    const r = await runCli('check', CONFIG, '--catalog', url(), '--catalog-sha256', WRONG);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(url());
    expect(r.stderr).toContain(`SHA-256 ${DIGEST}`);
    expect(r.stderr).toContain(`expects ${WRONG}`);
    expect(existsSync(join(catalogCacheDir(), `${WRONG}.yaml`))).toBe(false);
    expect(existsSync(cachedFile())).toBe(false);
  });

  it('names the URL and the status of a failed download (exit 2), as JSON too', async () => {
    const r = await runCli(
      'check',
      CONFIG,
      '--catalog',
      url('/gone.yaml'),
      '--catalog-sha256',
      DIGEST,
      '--json',
    );
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`${url('/gone.yaml')}: cannot be downloaded: HTTP 404`);
    expect(JSON.parse(r.stdout).error).toMatchObject({ kind: 'input', path: url('/gone.yaml') });
  });

  it('applies --max-input-mb to the download', async () => {
    const r = await runCli(
      'check',
      CONFIG,
      '--catalog',
      url(),
      '--catalog-sha256',
      DIGEST,
      '--max-input-mb',
      '0.0001',
    );
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(
      /cannot be downloaded: .*over the 0\.0 MiB input limit \(raise it with --max-input-mb\)/,
    );
    expect(existsSync(cachedFile())).toBe(false);
  });

  it('names the URL when nothing answers (exit 2)', async () => {
    const dead = await serveCatalogs({});
    const gone = `${dead.url}/contoso.yaml`;
    await dead.close();
    const r = await runCli('check', CONFIG, '--catalog', gone, '--catalog-sha256', DIGEST);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`${gone}: cannot be downloaded: ECONNREFUSED`);
  });

  it('refuses a URL without --catalog-sha256 as a usage error, before any request', async () => {
    const r = await runCli('check', CONFIG, '--catalog', url());
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(
      /--catalog http:\/\/127\.0\.0\.1:\d+\/contoso\.yaml needs --catalog-sha256, the SHA-256/,
    );
    expect(r.stderr).toContain('--help');
    expect(server.requests).toEqual([]);
  });

  it.each([
    [['--catalog', 'http://example.com/c.yaml', '--catalog-sha256', DIGEST], /only https:\/\/ URLs/],
    [['--catalog', 'ftp://example.com/c.yaml', '--catalog-sha256', DIGEST], /only https:\/\/ URLs/],
    [['--catalog', 'https://u:p@example.com/c.yaml', '--catalog-sha256', DIGEST], /credentials/],
    [['--catalog', 'https://example.com/c.yaml', '--catalog-sha256', 'abc'], /not a SHA-256 digest/],
    [
      ['--catalog', 'test/catalog/fixtures/overlay-contoso.yaml', '--catalog-sha256', DIGEST],
      /--catalog URL/,
    ],
    [['--catalog-sha256', DIGEST], /--catalog URL/],
  ])('refuses %j as a usage error', async (args, message) => {
    const r = await runCli('check', CONFIG, ...args);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  it('loads a bad downloaded catalog as a file: the error names the cached file and line', async () => {
    const bad = await serveCatalogs({ '/bad.yaml': 'overlay: 1\nroles:\n  nope: {}\n' });
    const digest = sha256Hex(Buffer.from('overlay: 1\nroles:\n  nope: {}\n'));
    try {
      const r = await runCli('check', CONFIG, '--catalog', `${bad.url}/bad.yaml`, '--catalog-sha256', digest);
      expect(r.status).toBe(2);
      expect(r.stderr).toContain(`${join(catalogCacheDir(), `${digest}.yaml`)}:3:`);
    } finally {
      await bad.close();
    }
  });
});
