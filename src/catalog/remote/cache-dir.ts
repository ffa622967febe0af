import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';

export interface CacheDirContext {
  env: NodeJS.ProcessEnv;
  platform: NodeJS.Platform;
  home: string;
}

const here = (): CacheDirContext => ({ env: process.env, platform: process.platform, home: homedir() });

/**
 * The user's cache directory: %LOCALAPPDATA% on Windows, ~/Library/Caches on macOS, else
 * $XDG_CACHE_HOME or ~/.cache. The XDG Base Directory Specification
 * (https://specifications.freedesktop.org/basedir-spec/latest/) says a relative path there is invalid and
 * must be ignored, and an unset or empty one means $HOME/.cache.
 */
export function userCacheDir(c: CacheDirContext = here()): string {
  if (c.platform === 'win32') return c.env.LOCALAPPDATA || join(c.home, 'AppData', 'Local');
  if (c.platform === 'darwin') return join(c.home, 'Library', 'Caches');
  const xdg = c.env.XDG_CACHE_HOME;
  return xdg && isAbsolute(xdg) ? xdg : join(c.home, '.cache');
}

/** Where downloaded catalogs are kept, one file per digest. */
export function catalogCacheDir(c: CacheDirContext = here()): string {
  return join(userCacheDir(c), 'remotespark-firewall-check', 'catalogs');
}
