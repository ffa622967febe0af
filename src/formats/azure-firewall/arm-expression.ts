/**
 * ARM template expressions ("Template syntax and expressions in ARM templates",
 * https://learn.microsoft.com/azure/azure-resource-manager/templates/template-expressions): a JSON string
 * that starts with `[` and ends with `]` is an expression; `[[` at the start escapes a literal `[`.
 * Inside: function calls, single-quoted strings (`''` escapes a quote), integers, `.property` and
 * `[index]` accessors.
 */
export type ArmAst =
  | { kind: 'string'; value: string }
  | { kind: 'number'; value: number }
  | { kind: 'call'; name: string; args: readonly ArmAst[] }
  | { kind: 'property'; of: ArmAst; name: string }
  | { kind: 'index'; of: ArmAst; index: ArmAst };

export class ExpressionSyntaxError extends Error {}

/** Whether a JSON string is an ARM expression (and not an escaped `[[` literal). */
export function isExpression(text: string): boolean {
  return text.length >= 2 && text.startsWith('[') && text.endsWith(']') && !text.startsWith('[[');
}

/** A JSON string that is not an expression, with the `[[` escape undone. */
export function literalText(text: string): string {
  return text.startsWith('[[') ? text.slice(1) : text;
}

type Token =
  | { t: 'str'; v: string }
  | { t: 'num'; v: number }
  | { t: 'id'; v: string }
  | { t: 'punct'; v: '(' | ')' | ',' | '.' | '[' | ']' };

const MAX_LENGTH = 100_000;
const MAX_DEPTH = 64;

function tokenize(src: string): Token[] {
  if (src.length > MAX_LENGTH)
    throw new ExpressionSyntaxError(`expression longer than ${MAX_LENGTH} characters`);
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n') {
      i++;
    } else if (c === "'") {
      let v = '';
      i++;
      for (;;) {
        if (i >= src.length) throw new ExpressionSyntaxError('unterminated string literal');
        if (src[i] === "'") {
          if (src[i + 1] === "'") {
            v += "'";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        v += src[i];
        i++;
      }
      out.push({ t: 'str', v });
    } else if (/[0-9-]/.test(c)) {
      const m = /^-?\d+(?:\.\d+)?/.exec(src.slice(i, i + 40));
      if (!m) throw new ExpressionSyntaxError(`unexpected "${c}"`);
      out.push({ t: 'num', v: Number(m[0]) });
      i += m[0].length;
    } else if (/[A-Za-z_$]/.test(c)) {
      let j = i + 1;
      while (j < src.length && /[A-Za-z0-9_$]/.test(src[j]!)) j++;
      out.push({ t: 'id', v: src.slice(i, j) });
      i = j;
    } else if (c === '(' || c === ')' || c === ',' || c === '.' || c === '[' || c === ']') {
      out.push({ t: 'punct', v: c });
      i++;
    } else {
      throw new ExpressionSyntaxError(`unexpected "${c}"`);
    }
  }
  return out;
}

class Parser {
  private pos = 0;
  constructor(private readonly tokens: Token[]) {}

  parseAll(): ArmAst {
    if (this.tokens.length === 0) throw new ExpressionSyntaxError('empty expression');
    const ast = this.expr(0);
    if (this.pos < this.tokens.length)
      throw new ExpressionSyntaxError(`unexpected ${this.describe(this.peek())}`);
    return ast;
  }

  private peek(): Token | undefined {
    return this.tokens[this.pos];
  }

  private describe(t: Token | undefined): string {
    if (!t) return 'end of expression';
    return t.t === 'str' ? `'${t.v}'` : `"${t.v}"`;
  }

  private isPunct(v: string): boolean {
    const t = this.peek();
    return t?.t === 'punct' && t.v === v;
  }

  private expect(v: string): void {
    if (!this.isPunct(v))
      throw new ExpressionSyntaxError(`expected "${v}" but found ${this.describe(this.peek())}`);
    this.pos++;
  }

  private expr(depth: number): ArmAst {
    if (depth > MAX_DEPTH)
      throw new ExpressionSyntaxError(`expression nested deeper than ${MAX_DEPTH} levels`);
    let node = this.primary(depth);
    for (;;) {
      if (this.isPunct('.')) {
        this.pos++;
        const t = this.peek();
        if (t?.t !== 'id') throw new ExpressionSyntaxError(`expected a property name after "."`);
        this.pos++;
        node = { kind: 'property', of: node, name: t.v };
      } else if (this.isPunct('[')) {
        this.pos++;
        const index = this.expr(depth + 1);
        this.expect(']');
        node = { kind: 'index', of: node, index };
      } else {
        return node;
      }
    }
  }

  private primary(depth: number): ArmAst {
    const t = this.peek();
    if (!t) throw new ExpressionSyntaxError('unexpected end of expression');
    if (t.t === 'str') {
      this.pos++;
      return { kind: 'string', value: t.v };
    }
    if (t.t === 'num') {
      this.pos++;
      return { kind: 'number', value: t.v };
    }
    if (t.t === 'id') {
      this.pos++;
      let name = t.v;
      // User-defined functions are called as namespace.name(...).
      while (
        this.isPunct('.') &&
        this.tokens[this.pos + 1]?.t === 'id' &&
        this.tokens[this.pos + 2]?.v === '('
      ) {
        name += `.${(this.tokens[this.pos + 1] as { v: string }).v}`;
        this.pos += 2;
      }
      this.expect('(');
      const args: ArmAst[] = [];
      if (!this.isPunct(')')) {
        for (;;) {
          args.push(this.expr(depth + 1));
          if (this.isPunct(',')) {
            this.pos++;
            continue;
          }
          break;
        }
      }
      this.expect(')');
      return { kind: 'call', name, args };
    }
    throw new ExpressionSyntaxError(`unexpected ${this.describe(t)}`);
  }
}

/** Parses the inside of an expression string (the text between the outer brackets). */
export function parseExpression(expressionText: string): ArmAst {
  return new Parser(tokenize(expressionText.slice(1, -1))).parseAll();
}
