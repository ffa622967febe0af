import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import { oddNumberLiteral } from './number-literal.js';
import { formatDocPath, type DocPath, type PositionedDocument } from './positioned.js';

const ajv = new Ajv2020({ allErrors: false, strict: true, allowUnionTypes: true });

/** A JSON Schema (draft 2020-12) validator, compiled on first use (compiling costs start-up time). */
export type SchemaValidator = () => ValidateFunction;

export function compileSchema(schema: object): SchemaValidator {
  let compiled: ValidateFunction | undefined;
  return () => (compiled ??= ajv.compile(schema));
}

function pathOf(error: ErrorObject): (string | number)[] {
  return error.instancePath
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((p) => (/^\d+$/.test(p) ? Number(p) : p));
}

function describe(error: ErrorObject): string {
  const p = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties':
      return `unknown key "${String(p.additionalProperty)}"`;
    case 'required':
      return `missing key "${String(p.missingProperty)}"`;
    case 'enum':
      return `must be one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'const':
      return `must be ${JSON.stringify(p.allowedValue)}`;
    case 'type':
      return `must be ${String(p.type).replace(/,/g, ' or ')}`;
    default:
      return error.message ?? 'is not valid';
  }
}

/** Validates a parsed document, throwing an InputError at the line of the first offending value. */
export function checkDocument(doc: PositionedDocument, validator: SchemaValidator, what: string): void {
  const validate = validator();
  if (validate(doc.value)) return;
  const error = validate.errors?.[0];
  if (!error) throw doc.error([], `not a valid ${what}`);
  const at: DocPath = pathOf(error);
  const key =
    error.keyword === 'additionalProperties' ? [...at, String(error.params.additionalProperty)] : at;
  // A number written oddly (1e999, -0) is named, so the message isn't about a value the file doesn't show.
  const source = doc.numberSource(at);
  const odd = source === undefined ? undefined : oddNumberLiteral(source);
  throw doc.error(key, `${formatDocPath(at)}: ${odd ? `${odd}; ` : ''}${describe(error)} (${what})`);
}
