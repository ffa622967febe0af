import { cachedRemoteCatalog, remoteCatalogSpec } from '../catalog/index.js';
import { DEFAULT_MAX_INPUT_BYTES } from '../input/input-file.js';

/**
 * `--catalog` as a local path: a URL (pinned by `--catalog-sha256`) is downloaded into the user's cache
 * directory, or found there, before the check runs, so the check reads a file like any other.
 */
export async function localCatalogPath(
  catalog: string | undefined,
  sha256: string | undefined,
  o: { maxBytes?: number; warn: (message: string) => void },
): Promise<string | undefined> {
  const spec = remoteCatalogSpec(catalog, sha256);
  if (!spec) return catalog;
  const cached = await cachedRemoteCatalog(spec, {
    maxBytes: o.maxBytes ?? DEFAULT_MAX_INPUT_BYTES,
    warn: o.warn,
  });
  return cached.path;
}
