import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import schema from '../../schemas/action-config.schema.json' with { type: 'json' };
import { InputError } from '../input/input-error.js';
import { parseYamlDocument } from '../input/positioned.js';
import { checkDocument, compileSchema } from '../input/schema-check.js';
import type { RawSettings } from './settings.js';
import { assertInWorkspace } from './workspace-files.js';

/** Where the repository keeps the action's settings. */
export const REPO_CONFIG_PATH = '.github/remotespark-firewall.yml';

const validator = compileSchema(schema);

/**
 * The repo config file's settings (none when the file is absent or empty). It is YAML, read with js-yaml
 * and checked against schemas/action-config.schema.json; a mistake is an InputError at its line.
 */
export function readRepoConfig(root: string): RawSettings {
  return read(root, true);
}

/**
 * The file's values as far as they can be read, unchecked, for a run whose settings failed: which
 * comment to update still depends on them. Never throws.
 */
export function readRepoConfigLoosely(root: string): RawSettings {
  try {
    return read(root, false);
  } catch {
    return {};
  }
}

function read(root: string, check: boolean): RawSettings {
  const abs = join(root, REPO_CONFIG_PATH);
  if (!existsSync(abs)) return {};
  assertInWorkspace(root, REPO_CONFIG_PATH, 'repo config file');
  let text: string;
  try {
    text = readFileSync(abs, 'utf8');
  } catch (e) {
    throw new InputError(
      REPO_CONFIG_PATH,
      undefined,
      `cannot be read (${(e as NodeJS.ErrnoException).code})`,
    );
  }
  return parse(text, check);
}

/** The settings in the file's text (as at another commit): an InputError at its line when wrong. */
export function parseRepoConfig(text: string): RawSettings {
  return parse(text, true);
}

function parse(text: string, check: boolean): RawSettings {
  if (text.trim() === '') return {};
  const doc = parseYamlDocument({ path: REPO_CONFIG_PATH, text });
  if (doc.value === null || doc.value === undefined) return {};
  if (check) checkDocument(doc, validator, 'remotespark-firewall settings file');
  else if (typeof doc.value !== 'object' || Array.isArray(doc.value)) return {};
  const { $schema: _ignored, ...settings } = doc.value as RawSettings & { $schema?: string };
  return settings;
}
