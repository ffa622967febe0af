import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEMI_SPACE_MIB, youngGenerationSetByUser } from '../../src/input/young-generation.js';

const MiB = 1024 * 1024;

describe('whether the user sized the young generation', () => {
  it('sees the flags on the command line and in NODE_OPTIONS', () => {
    expect(youngGenerationSetByUser([], undefined)).toBe(false);
    expect(youngGenerationSetByUser(['--max-old-space-size=4096'], '--max-old-space-size=2048')).toBe(false);
    expect(youngGenerationSetByUser(['--max-semi-space-size=32'], undefined)).toBe(true);
    expect(youngGenerationSetByUser(['--min_semi_space_size=4'], undefined)).toBe(true);
    expect(youngGenerationSetByUser(['--semi-space-growth-factor=3'], undefined)).toBe(true);
    expect(youngGenerationSetByUser([], '--enable-source-maps --max-semi-space-size=8')).toBe(true);
  });
});

// The hold is process-wide (a V8 flag), so it runs in child processes whose young generation may grow to
// 64 MiB semi-spaces (NODE_OPTIONS, as Node 24 sizes it on a big machine): one holding, one not.
describe('holding the young generation', () => {
  let dir: string;
  let script: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rsfc-young-'));
    const module = join(dir, 'young-generation.mjs');
    await build({
      stdin: {
        contents: [
          "export { newSpaceBytes, watchYoungGeneration } from './src/input/young-generation.ts';",
          "export { decodePieces } from './src/input/input-file.ts';",
        ].join('\n'),
        resolveDir: process.cwd(),
        loader: 'ts',
      },
      bundle: true,
      platform: 'node',
      format: 'esm',
      outfile: module,
      logLevel: 'silent',
    });
    script = join(dir, 'allocate.mjs');
    // Keeps up to 1.5 million small objects alive while making garbage, and decodes a piece of input after
    // each round, as a reader does between pieces; prints the largest new space seen after the watch began.
    writeFileSync(
      script,
      `import { decodePieces, newSpaceBytes, watchYoungGeneration } from ${JSON.stringify(module)};
if (process.argv[2] === 'hold') watchYoungGeneration();
const piece = Buffer.from('set subnet 10.0.0.0 255.255.255.0\\n'.repeat(100));
let kept = [];
let largest = 0;
for (let round = 0; round < 15; round++) {
  for (let i = 0; i < 100_000; i++) kept.push({ i, s: 'x' + i });
  if (kept.length > 1_500_000) kept = kept.slice(100_000);
  for (const text of decodePieces([piece], 'utf-8')) if (text.length === 0) throw new Error('no text');
  largest = Math.max(largest, newSpaceBytes());
}
console.log(largest);
`,
    );
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const largestNewSpace = (mode: string): number => {
    const r = spawnSync(process.execPath, [script, mode], {
      env: { ...process.env, NODE_OPTIONS: '--max-semi-space-size=64' },
      encoding: 'utf8',
    });
    expect(r.status, r.stderr).toBe(0);
    return Number(r.stdout.trim());
  };

  it(`stops its growth at ${SEMI_SPACE_MIB} MiB semi-spaces, where it would grow further`, () => {
    expect(largestNewSpace('free')).toBeGreaterThan(2 * SEMI_SPACE_MIB * MiB);
    const held = largestNewSpace('hold');
    expect(held).toBeLessThanOrEqual(2 * SEMI_SPACE_MIB * MiB);
    // It did grow to the size first: a hold from the start would leave it at 1-2 MiB.
    expect(held).toBeGreaterThanOrEqual(SEMI_SPACE_MIB * MiB);
  });
});
