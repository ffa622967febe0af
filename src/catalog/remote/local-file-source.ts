import { WORKING_TREE, type FileSource } from '../../check/file-source.js';

/**
 * `source`, except that `path` (a downloaded catalog, the same file whatever revision is checked) is read
 * from disk: a baseline at a git revision must not look for the cache file in the repository.
 */
export function withLocalFile(source: FileSource, path: string): FileSource {
  return {
    get describe() {
      return source.describe;
    },
    get commit() {
      return source.commit;
    },
    read: (p, maxBytes) => (p === path ? WORKING_TREE.read(p, maxBytes) : source.read(p, maxBytes)),
  };
}
