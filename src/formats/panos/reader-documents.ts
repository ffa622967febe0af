import type { InputFile } from '../../input/input-file.js';
import type { XmlDocument } from './xml-tree.js';

/**
 * The document the reader made of each file it read, for the fix writer (remediate.ts): it holds what a
 * fix reads, the layout around the elements it writes into included, so the file is never parsed again.
 */
export const readerDocuments = new WeakMap<InputFile, XmlDocument>();
