import { inputFromBytes, readInputFile, type InputFile } from '../input/input-file.js';

/**
 * Where a check reads its config files (and a catalog file) from: the working tree, a git revision, the
 * GitHub contents API at a commit. Paths stay as the user gave them, so reports name the same file:line
 * on both sides of a comparison.
 */
export interface FileSource {
  /** For reports: "the working tree", "git 1a2b3c4 (origin/main)". */
  describe: string;
  /** The resolved commit, where the source is one. */
  commit?: string;
  /**
   * The file's text at this source; `undefined` when the path doesn't exist there (a file the change
   * adds). Throws InputError for a file that exists but can't be read as text.
   */
  read(path: string, maxBytes: number): Promise<InputFile | undefined>;
}

export const WORKING_TREE: FileSource = {
  describe: 'the working tree',
  read: (path, maxBytes) => Promise.resolve(readInputFile(path, maxBytes)),
};

export { inputFromBytes };
