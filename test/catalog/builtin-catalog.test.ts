import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import catalogSchema from '../../catalog/remotespark.schema.json' with { type: 'json' };
import overlaySchema from '../../catalog/overlay.schema.json' with { type: 'json' };
import { BUILTIN_CATALOG_PATH, loadBuiltinCatalog, loadCatalogText } from '../../src/catalog/index.js';
import { builtinCatalogDocument } from '../../src/catalog/load-catalog.js';
import { validate } from '../../src/catalog/parse-catalog.js';
import { checkDocument } from '../../src/input/schema-check.js';

const ROLES = [
  'traffic-manager',
  'cdn',
  'web-na',
  'storage-na',
  'web-eu',
  'storage-eu',
  'web-browser',
  'stun-turn',
  'stun-turn-redundancy',
  'backup',
  'dns',
];

describe('the built-in catalog', () => {
  const catalog = loadBuiltinCatalog();

  test('passes its JSON Schema (start-up skips this check for the shipped catalog)', () => {
    expect(() => checkDocument(builtinCatalogDocument(), validate, 'RemoteSpark catalog')).not.toThrow();
    const broken = builtinCatalogDocument();
    (
      broken.value as { releases: { entries: { protocols: string[] }[] }[] }
    ).releases[0]!.entries[0]!.protocols = ['tpc'];
    expect(() => checkDocument(broken, validate, 'RemoteSpark catalog')).toThrow(/protocols/);
  });

  test('declares the report roles in report order; only stun-turn takes relays', () => {
    expect(catalog.roles.map((r) => r.id)).toEqual(ROLES);
    expect(catalog.roles.filter((r) => r.relays).map((r) => r.id)).toEqual(['stun-turn']);
  });

  test('role ids in the schemas match the catalog', () => {
    expect(catalogSchema.$defs.role.enum).toEqual(ROLES);
    expect(catalogSchema.$defs.mode.enum).toEqual(overlaySchema.$defs.mode.enum);
    expect(catalog.modes.map((m) => m.id)).toEqual(catalogSchema.$defs.mode.enum);
  });

  test('is loaded once and names its file', () => {
    expect(loadBuiltinCatalog()).toBe(catalog);
    expect(catalog.path).toBe(BUILTIN_CATALOG_PATH);
    expect(catalog.releases[0]!.entries[0]!.location).toEqual({ path: BUILTIN_CATALOG_PATH, line: 81 });
  });

  test('on disk is the same text as bundled', () => {
    const onDisk = fileURLToPath(new URL('../../catalog/remotespark.yaml', import.meta.url));
    const reloaded = loadCatalogText({ path: BUILTIN_CATALOG_PATH, text: readFileSync(onDisk, 'utf8') });
    expect(reloaded.releases).toEqual(catalog.releases);
  });

  test('every unverified entry says so in its note, and every entry has one', () => {
    for (const release of catalog.releases) {
      for (const e of release.entries) {
        expect(e.provenance.note).toBeTruthy();
        if (!e.provenance.verified) expect(e.provenance.note).toMatch(/not in the public article/);
      }
    }
  });
});
