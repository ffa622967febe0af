// One phase of reading a vendor export, alone, in a fresh process (timed from outside, like the floors):
// how far each step of a read is from the parser's floor. Prints a count, so that no step can be skipped.
//   decode             the file's text in pieces, as every streaming reader gets it
//   fortigate-tokens   the FortiGate tokenizer: every statement and its words (none skipped, where the
//                      reader skips the values of keys it doesn't keep), handed to a visitor that counts them
//   fortigate-tree     the tokens into the config tree, with the keys the reader keeps (held whole: the
//                      reader itself builds policies as their entries close)
//   panos-tree         the PAN-OS XML scanner and the element tree, with the elements the reader keeps
//   read               the whole read (detect, read, policies), no evaluation
import { tokenizePieces } from '../src/formats/fortigate/tokenizer.js';
import { readConfigTree } from '../src/formats/fortigate/config-tree.js';
import { KEPT_KEYS } from '../src/formats/fortigate/read-keys.js';
import { PANOS_KEEP } from '../src/formats/panos/kept-elements.js';
import { readXmlDocument } from '../src/formats/panos/xml-tree.js';
import { detectFormat, readPolicies } from '../src/formats/registry.js';
import { limitHeapGrowth } from '../src/check/heap-growth.js';
import { readInputFile, textChunks } from '../src/input/input-file.js';

const [phase, path] = process.argv.slice(2);
const file = readInputFile(path!, 2 ** 31);
// The heap settings a check of this file runs under (src/check/heap-growth.ts), so that steps compare.
await limitHeapGrowth(file.size ?? 0);
let count = 0;
switch (phase) {
  case 'decode':
    for (const piece of textChunks(file)) count += piece.length;
    break;
  case 'fortigate-tokens': {
    let words = 0;
    const lines = tokenizePieces(path!, textChunks(file), (s) => {
      words += s.words.length;
    });
    count = lines + words;
    break;
  }
  case 'fortigate-tree':
    count = readConfigTree(path!, textChunks(file), KEPT_KEYS).blocks.size;
    break;
  case 'panos-tree':
    count = readXmlDocument(file, PANOS_KEEP).path === path ? 1 : 0;
    break;
  case 'read': {
    const policies = await readPolicies([{ file, format: detectFormat(file) }]);
    count = policies.reduce((n, p) => n + p.rules.length, 0);
    break;
  }
  default:
    throw new Error(`unknown phase ${phase}`);
}
process.stdout.write(`${count}\n`);
