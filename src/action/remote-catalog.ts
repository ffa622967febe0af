import { readFileSync, rmSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { info } from '@actions/core';
import { digestMismatch, remoteCatalogSpec, sha256Hex, type RemoteCatalogSpec } from '../catalog/index.js';
import { UsageError } from '../check/usage-error.js';
import { plainText } from '../report/escape.js';
import { assertInWorkspace } from './workspace-files.js';

const TOOL = 'remotespark-firewall-check-catalog';
// A catalog is data: one cache entry serves every runner architecture.
const ARCH = 'any';

/**
 * The tool cache keys entries by an explicit semver version (`find` treats anything else as a range), so
 * the digest rides in a prerelease identifier; the letters in "sha256-" keep it alphanumeric.
 */
const cacheVersion = (sha256: string) => `0.0.0-sha256-${sha256}`;

function holds(path: string, sha256: string): boolean {
  try {
    return sha256Hex(readFileSync(path)) === sha256;
  } catch {
    return false;
  }
}

/**
 * The pinned catalog as a local file, through @actions/tool-cache: found in the runner's tool cache by its
 * digest (and re-checked), else downloaded, checked and cached. Another digest is refused, naming both.
 */
export async function toolCacheCatalog(spec: RemoteCatalogSpec): Promise<string> {
  for (const name of ['RUNNER_TEMP', 'RUNNER_TOOL_CACHE']) {
    if (!process.env[name]) {
      throw new UsageError(
        `the catalog at ${spec.url.href} is downloaded into the runner's tool cache, and ${name} is not set (GitHub runners set it)`,
      );
    }
  }
  // Loaded only for a catalog URL, so other runs don't load the HTTP client.
  const tc = await import('@actions/tool-cache');
  const version = cacheVersion(spec.sha256);
  const file = `${spec.sha256}.yaml`;
  const found = tc.find(TOOL, version, ARCH);
  if (found && holds(join(found, file), spec.sha256)) {
    info(plainText(`Catalog ${spec.url.href} (SHA-256 ${spec.sha256}): from the tool cache`));
    return join(found, file);
  }
  let downloaded: string;
  try {
    downloaded = await tc.downloadTool(spec.url.href);
  } catch (e) {
    const why =
      e instanceof tc.HTTPError ? `HTTP ${e.httpStatusCode}` : e instanceof Error ? e.message : String(e);
    throw new UsageError(`the catalog at ${spec.url.href} cannot be downloaded: ${why}`);
  }
  try {
    const actual = sha256Hex(readFileSync(downloaded));
    if (actual !== spec.sha256) throw new UsageError(`${spec.url.href} ${digestMismatch(spec, actual)}`);
    const dir = await tc.cacheFile(downloaded, file, TOOL, version, ARCH);
    info(plainText(`Catalog ${spec.url.href} (SHA-256 ${spec.sha256}): downloaded and cached`));
    return join(dir, file);
  } finally {
    rmSync(downloaded, { force: true });
  }
}

/**
 * The `catalog` setting as a path the engine reads: a file in the workspace (`forEngine` makes it relative
 * to the working directory), or a URL pinned by `catalog-sha256`, fetched through the tool cache.
 */
export async function actionCatalogPath(
  catalog: string | undefined,
  sha256: string | undefined,
  root: string,
  forEngine: (workspaceRelative: string) => string,
): Promise<string | undefined> {
  const spec = remoteCatalogSpec(catalog, sha256);
  if (spec) return toolCacheCatalog(spec);
  if (!catalog) return undefined;
  assertInWorkspace(root, catalog, 'catalog');
  return forEngine(relative(root, resolve(root, catalog)));
}
