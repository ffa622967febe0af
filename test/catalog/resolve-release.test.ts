import { describe, expect, test } from 'vitest';
import {
  CatalogUsageError,
  listReleases,
  loadBuiltinCatalog,
  resolveRelease,
} from '../../src/catalog/index.js';
import { thrown } from './helpers.js';

const catalog = loadBuiltinCatalog();

describe('built-in releases', () => {
  test('are 2.0.33 (2.0.x edition) and 2.1.80 (2.x edition), oldest first', () => {
    expect(listReleases(catalog)).toEqual([
      { version: '2.0.33', edition: '2.0.x', date: '2026-11-24' },
      { version: '2.1.80', edition: '2.x', date: '2026-11-24' },
    ]);
  });
});

describe('resolveRelease', () => {
  test.each([
    ['2.0.33', '2.0.33'],
    ['2.0.99', '2.0.33'],
    ['2.1.79', '2.0.33'],
    ['2.1.80', '2.1.80'],
    ['2.10.0', '2.1.80'],
    ['3.0.0', '2.1.80'],
    ['latest', '2.1.80'],
    ['LATEST', '2.1.80'],
    [' 2.1.80 ', '2.1.80'],
  ])('%s uses the rules of %s', (version, expected) => {
    expect(resolveRelease(catalog, version).version).toBe(expected);
  });

  test('a version older than every release is a usage error listing the releases', () => {
    const e = thrown(() => resolveRelease(catalog, '2.0.1'));
    expect(e).toBeInstanceOf(CatalogUsageError);
    expect(e.message).toBe(
      'RemoteSpark version 2.0.1 is older than every release in the catalog (catalog/remotespark.yaml); known releases: 2.0.33, 2.1.80',
    );
  });

  test.each(['abc', '2.1', '2.1.80.1', 'v2.1.80', '2.01.80', ''])('"%s" is not a version', (version) => {
    const e = thrown(() => resolveRelease(catalog, version));
    expect(e).toBeInstanceOf(CatalogUsageError);
    expect(e.message).toBe(
      `RemoteSpark version "${version}" is not a version x.y.z (e.g. 2.1.80) or "latest"; known releases: 2.0.33, 2.1.80`,
    );
  });
});
