import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { catalogCacheDir, userCacheDir } from '../../src/catalog/remote/cache-dir.js';

const home = '/home/ana';

describe('the user cache directory', () => {
  it.each([
    ['linux', {}, join(home, '.cache')],
    ['linux', { XDG_CACHE_HOME: '/var/cache/ana' }, '/var/cache/ana'],
    // The XDG spec: a relative path is invalid and ignored; empty means unset.
    ['linux', { XDG_CACHE_HOME: 'cache' }, join(home, '.cache')],
    ['linux', { XDG_CACHE_HOME: '' }, join(home, '.cache')],
    ['freebsd', { XDG_CACHE_HOME: '/tmp/c' }, '/tmp/c'],
    ['darwin', { XDG_CACHE_HOME: '/tmp/c' }, join(home, 'Library', 'Caches')],
    ['win32', { LOCALAPPDATA: 'C:\\Users\\ana\\AppData\\Local' }, 'C:\\Users\\ana\\AppData\\Local'],
    ['win32', {}, join(home, 'AppData', 'Local')],
  ] as const)('%s with %j: %s', (platform, env, expected) => {
    expect(userCacheDir({ platform, env, home })).toBe(expected);
  });

  it('keeps catalogs in remotespark-firewall-check/catalogs under it', () => {
    expect(catalogCacheDir({ platform: 'linux', env: {}, home })).toBe(
      join(home, '.cache', 'remotespark-firewall-check', 'catalogs'),
    );
  });
});
