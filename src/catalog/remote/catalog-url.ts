import { CatalogUsageError } from '../catalog-usage-error.js';

/** A catalog to download, pinned by the SHA-256 of its bytes. */
export interface RemoteCatalogSpec {
  url: URL;
  /** Lower-case hex. */
  sha256: string;
}

/** Whether `--catalog` names a URL (any `scheme://`) rather than a file. */
export function isCatalogUrl(text: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(text.trim());
}

// Plain HTTP only where nothing leaves the machine (the tests' servers).
function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '[::1]' || /^127(\.\d{1,3}){3}$/.test(host);
}

/**
 * `--catalog URL --catalog-sha256 HEX` checked: https (http only for a loopback address), and a digest
 * given, so that the file used is the one reviewed. Undefined when `catalog` is a file (or absent).
 */
export function remoteCatalogSpec(
  catalog: string | undefined,
  sha256: string | undefined,
): RemoteCatalogSpec | undefined {
  const digest = sha256?.trim();
  if (catalog === undefined || !isCatalogUrl(catalog)) {
    if (digest) {
      throw new CatalogUsageError(
        '--catalog-sha256 pins a downloaded catalog: give it with --catalog URL (a file in the repository is pinned by git)',
      );
    }
    return undefined;
  }
  let url: URL;
  try {
    url = new URL(catalog.trim());
  } catch {
    throw new CatalogUsageError(`--catalog "${catalog}" is not a valid URL`);
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopback(url.hostname))) {
    throw new CatalogUsageError(
      `--catalog ${url.href}: only https:// URLs are downloaded (http:// only from this machine's loopback address)`,
    );
  }
  if (url.username || url.password) {
    throw new CatalogUsageError(`--catalog ${url.origin}: a URL with credentials in it is refused`);
  }
  if (!digest) {
    throw new CatalogUsageError(
      `--catalog ${url.href} needs --catalog-sha256, the SHA-256 of the file in hex, so that the catalog used is the one you reviewed`,
    );
  }
  if (!/^[0-9a-f]{64}$/i.test(digest)) {
    throw new CatalogUsageError(`--catalog-sha256 "${digest}" is not a SHA-256 digest (64 hex digits)`);
  }
  return { url, sha256: digest.toLowerCase() };
}

/** What a digest mismatch says after the URL: both digests. */
export function digestMismatch(spec: RemoteCatalogSpec, actual: string): string {
  return `has SHA-256 ${actual}, but --catalog-sha256 expects ${spec.sha256}; refused (if the file changed on purpose, review it and pin its new digest)`;
}
