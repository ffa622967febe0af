/**
 * GitHub's official REST description (@octokit/openapi) as a request checker for the fake API: which
 * operation a method and path are, and whether the path parameters, query and JSON body are what the
 * description allows. Responses the fake sends are checked against it too, so the fake stays honest.
 */
import { createRequire } from 'node:module';
import { Ajv, type ValidateFunction } from 'ajv';

type Json = Record<string, unknown>;

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: Json;
}

export interface Operation {
  method: string;
  template: string;
  operationId: string;
  parameters: Parameter[];
  requestBody?: { required?: boolean; content: Record<string, { schema?: Json }> };
  responses: Record<string, Json>;
  regex: RegExp;
  names: string[];
  literals: number;
}

export interface MatchedRequest {
  operation: Operation;
  params: Record<string, string>;
}

const DROP = new Set([
  'example',
  'examples',
  'externalDocs',
  'xml',
  'discriminator',
  'nullable',
  'deprecated',
]);

let cached: OpenApi | undefined;

/** The description is 13 MB: parse it once per test worker. */
export function githubOpenApi(): OpenApi {
  const require = createRequire(import.meta.url);
  cached ??= new OpenApi(require('@octokit/openapi/generated/api.github.com.json') as Json);
  return cached;
}

export class OpenApi {
  readonly operations: Operation[] = [];
  private readonly ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  private readonly validators = new Map<string, ValidateFunction>();

  constructor(private readonly spec: Json) {
    const paths = spec.paths as Record<string, Record<string, Json>>;
    for (const [template, item] of Object.entries(paths)) {
      const shared = ((item.parameters as Json[] | undefined) ?? []).map(
        (p) => this.deref(p) as unknown as Parameter,
      );
      const names: string[] = [];
      const pattern = template
        .replace(/[.*+?^$()|[\]\\]/g, '\\$&')
        .replace(/\\?\{([^}]+)\\?\}/g, (_, n: string) => {
          names.push(n);
          return '([^/]+)';
        });
      for (const [method, op] of Object.entries(item)) {
        if (method === 'parameters' || typeof op !== 'object') continue;
        const own = ((op.parameters as Json[] | undefined) ?? []).map(
          (p) => this.deref(p) as unknown as Parameter,
        );
        this.operations.push({
          method: method.toUpperCase(),
          template,
          operationId: String(op.operationId),
          parameters: [...shared.filter((s) => !own.some((o) => o.name === s.name && o.in === s.in)), ...own],
          requestBody: op.requestBody
            ? (this.deref(op.requestBody as Json) as Operation['requestBody'])
            : undefined,
          responses: (op.responses as Record<string, Json>) ?? {},
          regex: new RegExp(`^${pattern}$`),
          names,
          literals: template.split('/').filter((s) => s && !s.includes('{')).length,
        });
      }
    }
    // A literal segment beats a parameter: /issues/comments before /issues/{issue_number}.
    this.operations.sort((a, b) => b.literals - a.literals);
  }

  private deref(node: Json): Json {
    let n = node;
    while (typeof n.$ref === 'string') {
      n = (n.$ref as string)
        .slice(2)
        .split('/')
        .reduce<Json>((o, k) => o[k] as Json, this.spec);
    }
    return n;
  }

  /** An OpenAPI 3.0 schema as JSON Schema: `nullable` as a null type, references as $defs. */
  private toJsonSchema(schema: Json): Json {
    const defs: Record<string, Json> = {};
    const convert = (s: unknown): unknown => {
      if (Array.isArray(s)) return s.map(convert);
      if (typeof s !== 'object' || s === null) return s;
      const node = s as Json;
      if (typeof node.$ref === 'string') {
        const name = (node.$ref as string).split('/').pop()!;
        if (!(name in defs)) {
          defs[name] = {};
          defs[name] = convert(this.deref(node)) as Json;
        }
        return { $ref: `#/$defs/${name}` };
      }
      const out: Json = {};
      for (const [k, v] of Object.entries(node)) {
        if (DROP.has(k) || k.startsWith('x-')) continue;
        if (k === 'properties' || k === 'patternProperties') {
          out[k] = Object.fromEntries(Object.entries(v as Json).map(([p, ps]) => [p, convert(ps)]));
        } else if (['items', 'additionalProperties', 'not', 'allOf', 'anyOf', 'oneOf'].includes(k)) {
          out[k] = typeof v === 'object' ? convert(v) : v;
        } else out[k] = v;
      }
      if (node.nullable === true) {
        if (out.type !== undefined) out.type = [...new Set([...[out.type].flat(), 'null'])];
        if (Array.isArray(out.enum)) out.enum = [...out.enum, null];
        if (out.type === undefined) return { anyOf: [out, { type: 'null' }] };
      }
      return out;
    };
    const root = convert(schema) as Json;
    return { ...root, $defs: defs };
  }

  private validator(key: string, schema: Json): ValidateFunction {
    let v = this.validators.get(key);
    if (!v) {
      v = this.ajv.compile(this.toJsonSchema(schema));
      this.validators.set(key, v);
    }
    return v;
  }

  private check(key: string, schema: Json, value: unknown, what: string): string[] {
    const v = this.validator(key, schema);
    if (v(value)) return [];
    return (v.errors ?? []).slice(0, 5).map((e) => `${what}${e.instancePath} ${e.message}`);
  }

  match(method: string, path: string): MatchedRequest | undefined {
    for (const op of this.operations) {
      if (op.method !== method) continue;
      const m = op.regex.exec(path);
      if (!m) continue;
      const params = Object.fromEntries(op.names.map((n, i) => [n, decodeURIComponent(m[i + 1]!)]));
      return { operation: op, params };
    }
    return undefined;
  }

  /** Coerces a path or query string to its schema's type, as a server would. */
  private coerce(value: string, schema: Json | undefined): unknown {
    const type = schema?.type;
    if (type === 'integer' || type === 'number') return /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value;
    if (type === 'boolean') return value === 'true' ? true : value === 'false' ? false : value;
    return value;
  }

  /** Everything wrong with a request, per the description; empty when it conforms. */
  validateRequest(
    method: string,
    url: URL,
    body: string,
    contentType: string | undefined,
  ): { match?: MatchedRequest; problems: string[] } {
    const match = this.match(method, url.pathname);
    if (!match) return { problems: [`${method} ${url.pathname}: no such operation in GitHub's REST API`] };
    const { operation: op, params } = match;
    const problems: string[] = [];
    const where = `${op.operationId}:`;
    for (const p of op.parameters.filter((x) => x.in === 'path')) {
      problems.push(
        ...this.check(
          `${op.operationId}/path/${p.name}`,
          p.schema ?? {},
          this.coerce(params[p.name]!, p.schema),
          `${where} path ${p.name}`,
        ),
      );
    }
    const queryParams = op.parameters.filter((x) => x.in === 'query');
    for (const [key, value] of url.searchParams) {
      const p = queryParams.find((q) => q.name === key);
      if (!p) {
        problems.push(`${where} query parameter "${key}" is not part of the operation`);
        continue;
      }
      problems.push(
        ...this.check(
          `${op.operationId}/query/${key}`,
          p.schema ?? {},
          this.coerce(value, p.schema),
          `${where} query ${key}`,
        ),
      );
    }
    for (const p of queryParams) {
      if (p.required && !url.searchParams.has(p.name))
        problems.push(`${where} query parameter "${p.name}" is required`);
    }
    const declared = op.requestBody;
    if (!declared) {
      if (body.trim() !== '') problems.push(`${where} takes no request body`);
    } else if (body.trim() === '') {
      if (declared.required) problems.push(`${where} request body is required`);
    } else {
      const schema = declared.content['application/json']?.schema;
      if (!contentType?.startsWith('application/json'))
        problems.push(`${where} body must be application/json`);
      let value: unknown;
      try {
        value = JSON.parse(body);
      } catch {
        problems.push(`${where} body is not JSON`);
      }
      if (schema && value !== undefined)
        problems.push(...this.check(`${op.operationId}/body`, schema, value, `${where} body`));
    }
    return { match, problems };
  }

  /** Whether a response the fake sends is one the description documents for the operation. */
  validateResponse(op: Operation, status: number, body: unknown): string[] {
    const declared = op.responses[String(status)] ?? op.responses.default;
    if (!declared) return [`${op.operationId}: status ${status} is not documented`];
    const response = this.deref(declared);
    const schema = (response.content as Record<string, { schema?: Json }> | undefined)?.['application/json']
      ?.schema;
    if (!schema) return body === undefined || body === '' ? [] : [];
    return this.check(
      `${op.operationId}/response/${status}`,
      schema,
      body,
      `${op.operationId} response ${status}`,
    );
  }

  /** A documented example, to build realistic responses from. */
  example(name: string): Json {
    const examples = (this.spec.components as Json).examples as Record<string, { value: Json }>;
    return structuredClone(examples[name]!.value);
  }
}
