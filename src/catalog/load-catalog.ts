import builtinText from '../../catalog/remotespark.yaml?raw';
import { InputError } from '../input/input-error.js';
import { readInputFile, type InputFile } from '../input/input-file.js';
import { parseStructuredDocument, parseYamlDocument } from '../input/positioned.js';
import type { Catalog } from './catalog-types.js';
import { catalogFromDocument } from './parse-catalog.js';
import { applyOverlay, isOverlayDocument, OVERLAY_MARKER } from './overlay.js';

/** The path the built-in catalog's errors and provenance name. */
export const BUILTIN_CATALOG_PATH = 'catalog/remotespark.yaml';

let builtin: Catalog | undefined;

/** The catalog shipped with the tool (parsed once). */
export function loadBuiltinCatalog(): Catalog {
  builtin ??= catalogFromDocument(parseYamlDocument({ path: BUILTIN_CATALOG_PATH, text: builtinText }));
  return builtin;
}

/**
 * A catalog given as text (YAML or JSON): a full catalog, which replaces `base`, or an overlay (top-level
 * `overlay: 1`), applied on top of `base` (the built-in catalog by default).
 */
export function loadCatalogText(file: InputFile, base: () => Catalog = loadBuiltinCatalog): Catalog {
  const doc = parseStructuredDocument(file);
  if (isOverlayDocument(doc)) return applyOverlay(base(), doc);
  const value = doc.value;
  if (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    !('catalogVersion' in value) &&
    !('releases' in value)
  ) {
    throw new InputError(
      file.path,
      doc.lineAt([]),
      `neither a RemoteSpark catalog (no "catalogVersion" key) nor an overlay (no "${OVERLAY_MARKER}: 1" key)`,
    );
  }
  return catalogFromDocument(doc);
}

/** `--catalog PATH`: reads the file and loads it as with loadCatalogText. */
export function loadCatalogFile(path: string, base: () => Catalog = loadBuiltinCatalog): Catalog {
  return loadCatalogText(readInputFile(path), base);
}
