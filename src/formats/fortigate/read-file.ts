import { InputError } from '../../input/input-error.js';
import { textChunks, type InputFile } from '../../input/input-file.js';
import type { Policy } from '../../model/policy.js';
import { readConfigTree } from './config-tree.js';
import { detectFortigate, ENCRYPTED_REASON } from './detect.js';
import { readerFacts, scopeFacts } from './fix-facts.js';
import { LayoutRecorder } from './layout.js';
import { buildScopePolicy } from './policy-builder.js';
import { KEPT_KEYS } from './read-keys.js';
import { splitScopes } from './scopes.js';

/**
 * Reads one FortiOS configuration: one policy, or one per VDOM (named after it). The text is read in
 * pieces as it is decoded, keeping only the tables and settings the check uses, and what a fix would need
 * (kept per file until the reader's release: remediation never reads the export again).
 */
export function readFortigateFile(file: InputFile, forFixes = true): Policy[] {
  const detection = detectFortigate(file);
  if (detection.kind === 'near-miss' && detection.reason === ENCRYPTED_REASON) {
    throw new InputError(file.path, 1, ENCRYPTED_REASON);
  }
  // What fixes need is noted only where fixes may be written from this read (not a fix's proof).
  const recorder = forFixes ? new LayoutRecorder() : undefined;
  const root = readConfigTree(file.path, textChunks(file), KEPT_KEYS, recorder);
  const scopes = splitScopes(file.path, root);
  // Taken before the policies are built: building them drops the entries' settings.
  if (recorder) {
    readerFacts.set(file, {
      layout: recorder.layout,
      version: recorder.version,
      scopes: new Map(scopes.map((s) => [s.vdom, scopeFacts(s, recorder)])),
    });
  }
  return scopes.map(buildScopePolicy);
}
