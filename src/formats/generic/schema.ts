import type { PositionedDocument } from '../../input/positioned.js';
import { checkDocument, compileSchema } from '../../input/schema-check.js';
import schema from '../../../schemas/generic-policy.schema.json' with { type: 'json' };
import type { GenericDocument } from './document.js';
import { GROUP_NAME } from './entry-error.js';
import { RESERVED_SERVICE_NAMES } from './service-entries.js';

const WHAT = 'generic/v1 policy';

const validator = compileSchema(schema);

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Group names get their own check, before the schema's, because a schema error on a property name can
 * only say "must match pattern"; this one says what a name may be, at the name's line.
 */
function checkGroupNames(doc: PositionedDocument): void {
  if (!isRecord(doc.value)) return;
  for (const [key, kind] of [
    ['addresses', 'address'],
    ['services', 'service'],
  ] as const) {
    const groups = doc.value[key];
    if (!isRecord(groups)) continue;
    for (const name of Object.keys(groups)) {
      const lower = name.toLowerCase();
      const reserved = lower === 'any' || (kind === 'service' && RESERVED_SERVICE_NAMES.includes(lower));
      if (GROUP_NAME.test(name) && !reserved) continue;
      const why = reserved
        ? `"${name}" is a ${kind} entry itself`
        : 'a group name has only letters, digits, "_" and "-" (no dots, spaces or slashes)';
      throw doc.error([key, name], `${key}: bad ${kind} group name "${name}": ${why}`);
    }
  }
}

/** Checks a parsed document against schemas/generic-policy.schema.json; throws InputError at the line. */
export function checkGenericDocument(doc: PositionedDocument): GenericDocument {
  checkGroupNames(doc);
  checkDocument(doc, validator, WHAT);
  return doc.value as GenericDocument;
}
