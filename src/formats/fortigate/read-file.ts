import { InputError } from '../../input/input-error.js';
import { textChunks, type InputFile } from '../../input/input-file.js';
import type { Policy } from '../../model/policy.js';
import { readConfigTree } from './config-tree.js';
import { detectFortigate, ENCRYPTED_REASON } from './detect.js';
import { readerFacts, scopeFacts } from './fix-facts.js';
import { LayoutRecorder } from './layout.js';
import { buildScopePolicy } from './policy-builder.js';
import { PolicyStream, StreamAbandoned } from './policy-stream.js';
import { KEPT_KEYS } from './read-keys.js';
import { splitScopes } from './scopes.js';

/**
 * How the policies are built: as their entries close (`stream`, refusing a file it can't follow), after
 * the whole file (`whole`), or streamed where the file allows and whole otherwise (`auto`).
 */
export type BuildMode = 'auto' | 'stream' | 'whole';

/**
 * Reads one FortiOS configuration: one policy, or one per VDOM (named after it). The text is read in
 * pieces as it is decoded, keeping only the tables and settings the check uses, and what a fix would need
 * (kept per file until the reader's release: remediation never reads the export again).
 */
export function readFortigateFile(file: InputFile, forFixes = true, mode: BuildMode = 'auto'): Policy[] {
  const detection = detectFortigate(file);
  if (detection.kind === 'near-miss' && detection.reason === ENCRYPTED_REASON) {
    throw new InputError(file.path, 1, ENCRYPTED_REASON);
  }
  if (mode === 'whole') return read(file, forFixes, false);
  try {
    return read(file, forFixes, true);
  } catch (e) {
    if (mode === 'stream' || !(e instanceof StreamAbandoned)) throw e;
    // Read again whole: the same answer, with the memory the policy tables take.
    return read(file, forFixes, false);
  }
}

function read(file: InputFile, forFixes: boolean, streaming: boolean): Policy[] {
  // What fixes need is noted only where fixes may be written from this read (not a fix's proof).
  const recorder = forFixes ? new LayoutRecorder() : undefined;
  const stream = streaming ? new PolicyStream(file.path, recorder) : undefined;
  const root = readConfigTree(file.path, textChunks(file), KEPT_KEYS, recorder, stream);
  const scopes = splitScopes(file.path, root);
  // Taken before the policies are built: building them drops the entries' settings. A streamed scope's
  // were taken as it streamed.
  if (recorder) {
    readerFacts.set(file, {
      layout: recorder.layout,
      version: recorder.version,
      scopes: new Map(scopes.map((s) => [s.vdom, scopeFacts(s, recorder, stream?.of(s)?.facts())])),
    });
  }
  return scopes.map((s) => stream?.of(s)?.assembly.finish() ?? buildScopePolicy(s));
}
