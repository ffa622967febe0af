import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { nftablesReader } from '../../../src/formats/nftables/nftables-reader.js';
import { InputError } from '../../../src/input/input-error.js';
import type { Policy } from '../../../src/model/policy.js';
import { nftUnavailable } from './nft-tool.js';

const read = (text: string): Policy => nftablesReader.read([{ path: 'fw.nft', text }])[0]!;
function readError(text: string): InputError {
  try {
    read(text);
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return e as InputError;
  }
  throw new Error('expected an InputError');
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);
/** base -> c0 -> ... -> c(n-1), which accepts: n nested jumps, each chain 3 lines from line 6 on. */
const nested = (n: number, how: string, first = `${how} c0`) =>
  `table inet f {\nchain base {\ntype filter hook forward priority 0; policy drop;\n${first}\n}\n${range(n)
    .map((i) => `chain c${i} {\n${i + 1 < n ? `meta mark ${i} ${how} c${i + 1}` : 'accept'}\n}\n`)
    .join('')}}\n`;
/** The line of the k-th jump (k >= 2: in chain c(k-2)). */
const jumpLine = (k: number) => 7 + 3 * (k - 2);

describe('nested jumps and loops, as the kernel checks them when a ruleset is loaded', () => {
  it.each(['jump', 'goto'])('15 nested %ss are read', (how) => {
    expect(read(nested(15, how)).rules.length).toBeGreaterThan(0);
  });

  it.each([
    ['jump', 16],
    ['goto', 16],
    ['jump', 65],
    ['goto', 2000],
  ])('%s chains 16 or more deep are refused at the 16th jump, not called a loop (%i)', (how, n) => {
    const e = readError(nested(n, how));
    expect(e.line).toBe(jumpLine(16));
    expect(e.message).toBe(
      'chain c15 of table inet f is reached through 16 nested jumps and gotos (base -> c0 -> c1 -> ... -> c13 -> c14 -> c15): the kernel refuses more than 15, so nft -f fails with "Could not process rule: Too many links" and loads nothing',
    );
  });

  it('counts jumps in verdict maps and rules no packet matches', () => {
    const e = readError(nested(16, 'jump', 'tcp dport vmap { 1 : jump c0 }'));
    expect(e.line).toBe(jumpLine(16));
  });

  it('counts the deepest way down a chain already checked through another way', () => {
    // base jumps to c10 first (c10 .. c15 checked: 5 jumps below c10), then to c0 (10 jumps to c10).
    const text = nested(16, 'jump').replace('jump c0\n', 'jump c10\njump c0\n');
    const e = readError(text);
    expect(e.line).toBe(jumpLine(16) + 1);
    expect(e.message).toMatch(/^chain c15 of table inet f is reached through 16 nested jumps/);
  });

  it('a loop is a loop, named at the jump that closes it, also where no packet can go round it', () => {
    const e = readError(
      'table inet f {\nchain base {\ntype filter hook forward priority 0; policy drop;\nip saddr 10.0.0.1 jump a\n}\nchain a {\nip saddr 10.0.0.2 jump b\n}\nchain b {\njump a\n}\n}\n',
    );
    expect(e.line).toBe(10);
    expect(e.message).toBe(
      'chains jump into each other in a loop (base -> a -> b -> a); the kernel refuses it ("Too many links")',
    );
  });

  it('chains no base chain reaches are not checked, as the kernel loads them', () => {
    const text = `table inet f {\nchain base {\ntype filter hook forward priority 0; policy accept;\n}\nchain a {\njump b\n}\nchain b {\njump a\n}\n${range(
      20,
    )
      .map((i) => `chain d${i} {\njump d${i + 1}\n}\n`)
      .join('')}chain d20 {\n}\n}\n`;
    expect(read(text).rules.length).toBeGreaterThanOrEqual(0);
  });

  it('many jumps into a chain that returns are worked through without recursion', () => {
    const text = `table inet f {\nchain base {\ntype filter hook forward priority 0; policy drop;\n${range(
      1500,
    )
      .map((i) => `tcp dport ${i + 1} jump a`)
      .join('\n')}\ntcp dport 443 accept\n}\nchain a {\nudp dport 53 return\nudp dport 53 drop\n}\n}\n`;
    const policy = read(text);
    expect(policy.warnings ?? []).toEqual([]);
    expect(policy.rules.some((r) => r.action === 'allow')).toBe(true);
  });
});

const why = nftUnavailable();
describe('the kernel agrees', () => {
  const load = (text: string) =>
    spawnSync('unshare', ['--net', 'nft', '-f', '-'], { input: text, encoding: 'utf8' });
  it.skipIf(why !== undefined)(
    `nft -f loads 15 nested jumps and refuses 16 at the same line${why ? ` (skipped: ${why})` : ''}`,
    () => {
      expect(load(nested(15, 'jump')).status).toBe(0);
      for (const text of [
        nested(16, 'jump'),
        nested(16, 'goto'),
        nested(16, 'jump', 'tcp dport vmap { 1 : jump c0 }'),
      ]) {
        const r = load(text);
        expect(r.status).not.toBe(0);
        expect(r.stderr).toContain(`/dev/stdin:${jumpLine(16)}:`);
        expect(r.stderr).toContain('Could not process rule: Too many links');
      }
    },
  );
});
