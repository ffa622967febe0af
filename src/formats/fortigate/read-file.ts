import { InputError } from '../../input/input-error.js';
import { textChunks, type InputFile } from '../../input/input-file.js';
import type { Policy } from '../../model/policy.js';
import { readConfigTree } from './config-tree.js';
import { detectFortigate, ENCRYPTED_REASON } from './detect.js';
import { policiesNoted, readerFacts, scopeFacts } from './fix-facts.js';
import { LayoutRecorder } from './layout.js';
import { buildScopePolicy } from './policy-builder.js';
import { KEPT_KEYS } from './read-keys.js';
import { splitScopes, type Scope } from './scopes.js';
import { RuleStream, StreamFallback } from './stream-rules.js';

/**
 * Reads one FortiOS configuration: one policy, or one per VDOM (named after it). The text is read in
 * pieces as it is decoded, keeping only the tables and settings the check uses, and what a fix would need
 * (kept per file until the reader's release: remediation never reads the export again). Policies become
 * rules as their entries close (stream-rules.ts); where the file's order doesn't allow that, it is read
 * again with the policies kept until the end.
 */
export function readFortigateFile(file: InputFile, forFixes = true): Policy[] {
  const detection = detectFortigate(file);
  if (detection.kind === 'near-miss' && detection.reason === ENCRYPTED_REASON) {
    throw new InputError(file.path, 1, ENCRYPTED_REASON);
  }
  try {
    return read(file, forFixes, true);
  } catch (e) {
    if (!(e instanceof StreamFallback)) throw e;
    return read(file, forFixes, false);
  }
}

function read(file: InputFile, forFixes: boolean, streamRules: boolean): Policy[] {
  // What fixes need is noted only where fixes may be written from this read (not a fix's proof).
  const recorder = forFixes ? new LayoutRecorder() : undefined;
  const stream = streamRules ? new RuleStream(file.path, recorder) : undefined;
  const root = readConfigTree(file.path, textChunks(file), KEPT_KEYS, recorder, stream);
  const scopes = splitScopes(file.path, root);
  const streamed = scopes.map((s) => stream?.streamed(s));
  // Taken before the policies are built: building them drops the entries' settings.
  if (recorder) {
    const facts = (s: Scope, k: number) => {
      const noted = streamed[k]?.facts;
      return noted ? policiesNoted(noted, s) : scopeFacts(s, recorder);
    };
    readerFacts.set(file, {
      layout: recorder.layout,
      version: recorder.version,
      scopes: new Map(scopes.map((s, k) => [s.vdom, facts(s, k)])),
    });
  }
  return scopes.map((s, k) => streamed[k]?.build.finish() ?? buildScopePolicy(s));
}
