/** The RemoteSpark catalog: loading (built-in, file, overlay, pinned URL), release and flow resolution. */
export type { Catalog, CatalogEntry, Mode, ModeInfo, RelaySet, Release, RoleInfo } from './catalog-types.js';
export { MODES } from './catalog-types.js';
export { CatalogUsageError } from './catalog-usage-error.js';
export {
  BUILTIN_CATALOG_PATH,
  loadBuiltinCatalog,
  loadCatalogFile,
  loadCatalogText,
} from './load-catalog.js';
export { OVERLAY_MARKER } from './overlay.js';
export { listReleases, resolveRelease, type ReleaseSummary } from './resolve-release.js';
export { resolveFlows, type FlowOptions, type ResolvedFlows } from './resolve-flows.js';
export {
  digestMismatch,
  isCatalogUrl,
  remoteCatalogSpec,
  type RemoteCatalogSpec,
} from './remote/catalog-url.js';
export { cachedRemoteCatalog, type CachedCatalog } from './remote/catalog-cache.js';
export { sha256Hex } from './remote/sha256.js';
export {
  diffReleases,
  type CatalogDiff,
  type FlowChange,
  type FlowDiffEntry,
  type FlowField,
  type VersionSide,
} from './diff-releases.js';
export { withLocalFile } from './remote/local-file-source.js';
