import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/input/input-error.js';
import { decodeText } from '../../src/input/input-file.js';
import { parseJsonDocument, parseStructuredDocument, parseYamlDocument } from '../../src/input/positioned.js';

describe('positioned documents', () => {
  it('knows the line of every YAML node, block or flow', () => {
    const doc = parseYamlDocument({ path: 'a.yaml', text: 'a: 1\nlist:\n  - x\n  - {k: [p, q]}\nz: end\n' });
    expect(doc.lineAt(['a'])).toBe(1);
    expect(doc.lineAt(['list', 0])).toBe(3);
    expect(doc.lineAt(['list', 1, 'k', 1])).toBe(4);
    expect(doc.lineAt(['z'])).toBe(5);
    expect(doc.lineAt(['list', 7])).toBe(2);
  });
  it('knows the line of every JSON node, comments allowed', () => {
    const doc = parseJsonDocument({
      path: 'a.json',
      text: '// c\n{\n  "a": [\n    1,\n    {"b": 2}\n  ]\n}\n',
    });
    expect(doc.lineAt(['a', 1, 'b'])).toBe(5);
    expect(doc.value).toEqual({ a: [1, { b: 2 }] });
  });
  it('refuses duplicate JSON keys and keeps __proto__ an ordinary key', () => {
    expect(() => parseJsonDocument({ path: 'd.json', text: '{\n"a": 1,\n"a": 2}' })).toThrow(
      /3: invalid JSON: duplicate key "a"|duplicate key/,
    );
    const doc = parseJsonDocument({ path: 'p.json', text: '{"__proto__": {"x": 1}}' });
    expect(Object.getPrototypeOf(doc.value)).toBe(Object.prototype);
    expect(Object.keys(doc.value as object)).toEqual(['__proto__']);
  });
  it('picks JSON or YAML from the first significant character', () => {
    expect(parseStructuredDocument({ path: 'x', text: '/* c */ [1]' }).value).toEqual([1]);
    expect(parseStructuredDocument({ path: 'x', text: '# c\n- 1\n' }).value).toEqual([1]);
  });
  it('decodes UTF-16 with a byte-order mark and strips a UTF-8 one', () => {
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('rules: []\n', 'utf16le')]);
    expect(decodeText('w.yaml', utf16)).toBe('rules: []\n');
    expect(decodeText('u.yaml', Buffer.from('\ufeffa: 1', 'utf8'))).toBe('a: 1');
    expect(() => decodeText('s.yaml', Buffer.from('  \n\t\n'))).toThrow(InputError);
  });
});
