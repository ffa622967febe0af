import type { Catalog, Release } from './catalog-types.js';
import { CatalogUsageError } from './catalog-usage-error.js';
import { compareVersions, parseVersion } from './version.js';

export interface ReleaseSummary {
  version: string;
  /** When the rules were transcribed from the article: not a release or publication date. */
  date?: string;
  edition?: string;
}

/** The catalog's releases, oldest first. */
export function listReleases(catalog: Catalog): ReleaseSummary[] {
  return catalog.releases.map((r) => ({
    version: r.version,
    ...(r.date !== undefined && { date: r.date }),
    ...(r.edition !== undefined && { edition: r.edition }),
  }));
}

/**
 * The rule set a client at `version` follows: the newest release at or below it; `latest` is the newest
 * release. A malformed version or one older than every release is a CatalogUsageError.
 */
export function resolveRelease(catalog: Catalog, version: string): Release {
  const known = `known releases: ${catalog.releases.map((r) => r.version).join(', ')}`;
  const text = version.trim();
  if (text.toLowerCase() === 'latest') return catalog.releases[catalog.releases.length - 1]!;
  const wanted = parseVersion(text);
  if (!wanted) {
    throw new CatalogUsageError(
      `RemoteSpark version "${version}" is not a version x.y.z (e.g. 2.1.80) or "latest"; ${known}`,
    );
  }
  let found: Release | undefined;
  for (const r of catalog.releases) if (compareVersions(parseVersion(r.version)!, wanted) <= 0) found = r;
  if (!found) {
    throw new CatalogUsageError(
      `RemoteSpark version ${text} is older than every release in the catalog (${catalog.path}); ${known}`,
    );
  }
  return found;
}
