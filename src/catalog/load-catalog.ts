import builtinSnapshot from '../../catalog/remotespark.yaml?document';
import { InputError } from '../input/input-error.js';
import { readInputFile, type InputFile } from '../input/input-file.js';
import { parseStructuredDocument, PositionedDocument } from '../input/positioned.js';
import type { Catalog } from './catalog-types.js';
import { catalogFromDocument } from './parse-catalog.js';
import { applyOverlay, isOverlayDocument, OVERLAY_MARKER } from './overlay.js';

/** The path the built-in catalog's errors and provenance name. */
export const BUILTIN_CATALOG_PATH = 'catalog/remotespark.yaml';

let builtin: Catalog | undefined;

/** The shipped catalog as a document (parsed at build time: no YAML parsing at start-up). */
export function builtinCatalogDocument(): PositionedDocument {
  return PositionedDocument.fromSnapshot({ ...builtinSnapshot, path: BUILTIN_CATALOG_PATH });
}

/**
 * The catalog shipped with the tool. Its JSON Schema check is left to the tests (test/catalog), which
 * fail on any change that breaks it, so start-up skips it; the semantic checks still run.
 */
export function loadBuiltinCatalog(): Catalog {
  builtin ??= catalogFromDocument(builtinCatalogDocument(), { schemaChecked: true });
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
