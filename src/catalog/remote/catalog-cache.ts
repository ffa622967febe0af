import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../../input/input-error.js';
import { catalogCacheDir } from './cache-dir.js';
import { digestMismatch, type RemoteCatalogSpec } from './catalog-url.js';
import { downloadBytes } from './download.js';
import { sha256Hex } from './sha256.js';

export interface CachedCatalog {
  /** The local file holding the catalog's bytes. */
  path: string;
  /** False when the cache already held it. */
  downloaded: boolean;
}

export interface CacheOptions {
  maxBytes: number;
  /** Said on stderr: a cache that could not be written. */
  warn?: (message: string) => void;
}

function cachedCopy(path: string, sha256: string): boolean {
  if (!existsSync(path)) return false;
  try {
    return sha256Hex(readFileSync(path)) === sha256;
  } catch {
    return false;
  }
}

/**
 * The pinned catalog as a local file: from the cache when a file there has the digest (checked on every
 * use, so a damaged or edited copy is downloaded again), else downloaded, checked and kept there by digest.
 * A download with another digest is refused (InputError naming both digests and the URL).
 */
export async function cachedRemoteCatalog(spec: RemoteCatalogSpec, o: CacheOptions): Promise<CachedCatalog> {
  const dir = catalogCacheDir();
  const path = join(dir, `${spec.sha256}.yaml`);
  if (cachedCopy(path, spec.sha256)) return { path, downloaded: false };

  const bytes = await downloadBytes(spec.url, o.maxBytes);
  const actual = sha256Hex(bytes);
  if (actual !== spec.sha256) throw new InputError(spec.url.href, undefined, digestMismatch(spec, actual));
  // Written aside and renamed, so a concurrent run never reads half a file.
  const part = `${path}.${process.pid}.part`;
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(part, bytes);
    renameSync(part, path);
    return { path, downloaded: true };
  } catch (e) {
    try {
      rmSync(part, { force: true });
    } catch {
      // Nothing was written there.
    }
    const fallback = join(mkdtempSync(join(tmpdir(), 'rsfc-catalog-')), `${spec.sha256}.yaml`);
    writeFileSync(fallback, bytes);
    o.warn?.(
      `could not cache the catalog in ${dir} (${(e as NodeJS.ErrnoException).code ?? String(e)}); it will be downloaded again next time`,
    );
    return { path: fallback, downloaded: true };
  }
}
