import { headOf, type InputFile } from '../../input/input-file.js';
import type { Detection, FormatDescriptor } from '../format-reader.js';

export const FORMAT_MARKER = 'generic/v1';

/** Detection reads the first MiB: the `format` marker must be in it (docs/generic-format.md). */
const SCAN = 1024 * 1024;

/** `format: generic/v1` as a top-level YAML key (column 0), the value optionally quoted. */
const YAML_FORMAT = /^(["']?)format\1[ \t]*:[ \t]*(["']?)([^"'#\r\n]*?)\2[ \t]*(?:#[^\r\n]*)?\r?$/m;
/** `"format": "..."` in JSON (or in YAML written JSON-style). */
const JSON_FORMAT = /"format"\s*:\s*"([^"\r\n]*)"/;
/** A top-level YAML `rules:` key, or a JSON `"rules": [`. */
const YAML_RULES = /^(["']?)rules\1[ \t]*:/m;
const JSON_RULES = /"rules"\s*:\s*\[/;

/**
 * Recognises the generic format from content alone, with regexes (no parsing): the `format: generic/v1`
 * marker says yes; a document with a `rules` list but no such marker is a near miss.
 */
export function detectGeneric(file: InputFile): Detection {
  // The marker is a top-level key written at the top; a large export of another vendor isn't scanned whole.
  const text = headOf(file, SCAN);
  const formats: string[] = [];
  const yamlFormat = YAML_FORMAT.exec(text)?.[3];
  if (yamlFormat !== undefined) formats.push(yamlFormat.trim());
  const jsonFormat = JSON_FORMAT.exec(text)?.[1];
  if (jsonFormat !== undefined) formats.push(jsonFormat.trim());
  if (formats.includes(FORMAT_MARKER)) return { kind: 'yes' };

  const other = formats[0];
  if (other !== undefined && other.startsWith('generic/')) {
    return {
      kind: 'near-miss',
      reason: `says format "${other}", but this version reads only "${FORMAT_MARKER}"`,
    };
  }
  if (YAML_RULES.test(text) || JSON_RULES.test(text)) {
    return {
      kind: 'near-miss',
      reason:
        other !== undefined
          ? `has a "rules" list, but its format is "${other}", not "${FORMAT_MARKER}"`
          : `has a "rules" list but no "format: ${FORMAT_MARKER}" marker; add that top-level key to read it as the generic format`,
    };
  }
  return { kind: 'no' };
}

/** The registry's entry for this format (the reader itself loads on first use). */
export const genericFormat: FormatDescriptor = {
  id: 'generic',
  name: 'Generic firewall policy (generic/v1 YAML or JSON)',
  detect: detectGeneric,
};
