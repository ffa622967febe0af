// The steps of one read that the bench's `phases` part times apart (scripts/bench-phase-worker.ts runs one
// in a fresh process). Each returns a count of what it made, so that no step can be skipped.
//   decode             the file's text in pieces, as every streaming reader gets it
//   fortigate-tokens   the FortiGate tokenizer: every statement and its words (none skipped, where the
//                      reader skips the values of keys it doesn't keep), handed to a visitor that counts them
//   fortigate-tree     the tokens into the config tree, with the keys the reader keeps (held whole: the
//                      reader itself builds policies as their entries close)
//   panos-tree         the PAN-OS XML scanner and the element tree, with the elements the reader keeps
//   read               the whole read (detect, read, policies), no evaluation
import { limitHeapGrowth } from '../src/check/heap-growth.js';
import { readConfigTree } from '../src/formats/fortigate/config-tree.js';
import { KEPT_KEYS } from '../src/formats/fortigate/read-keys.js';
import { tokenizePieces } from '../src/formats/fortigate/tokenizer.js';
import { PANOS_KEEP } from '../src/formats/panos/kept-elements.js';
import { readXmlDocument } from '../src/formats/panos/xml-tree.js';
import { detectFormat, readPolicies } from '../src/formats/registry.js';
import { readInputFile, textChunks } from '../src/input/input-file.js';

export const PHASES = ['decode', 'fortigate-tokens', 'fortigate-tree', 'panos-tree', 'read'] as const;
export type Phase = (typeof PHASES)[number];

/** Runs one step on the file at `path`, under the heap settings a check of it runs under. */
export async function runPhase(phase: Phase, path: string): Promise<number> {
  const file = readInputFile(path, 2 ** 31);
  await limitHeapGrowth(file.size ?? 0);
  switch (phase) {
    case 'decode': {
      let chars = 0;
      for (const piece of textChunks(file)) chars += piece.length;
      return chars;
    }
    case 'fortigate-tokens': {
      let words = 0;
      const lines = tokenizePieces(path, textChunks(file), (s) => {
        words += s.words.length;
      });
      return lines + words;
    }
    case 'fortigate-tree':
      return readConfigTree(path, textChunks(file), KEPT_KEYS).blocks.size;
    case 'panos-tree':
      return readXmlDocument(file, PANOS_KEEP).path === path ? 1 : 0;
    case 'read': {
      const policies = await readPolicies([{ file, format: detectFormat(file) }]);
      return policies.reduce((n, p) => n + p.rules.length, 0);
    }
  }
}
