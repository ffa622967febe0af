import { createHash as nodeCreateHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sha256 } from '../../src/action/sha256.js';
import { createHash, randomUUID } from '../../src/action/start-crypto.js';

const nodeHex = (data: string | Uint8Array) => nodeCreateHash('sha256').update(data).digest('hex');

/** Deterministic bytes (a linear congruential generator), so a failure reproduces. */
function bytes(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed;
  for (let i = 0; i < length; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

describe('the JavaScript SHA-256 the action bundle uses instead of node:crypto', () => {
  it('gives the FIPS 180-4 example digests', () => {
    expect(Buffer.from(sha256(new TextEncoder().encode('abc'))).toString('hex')).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
    expect(Buffer.from(sha256(new Uint8Array(0))).toString('hex')).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
  });

  it('equals node:crypto at every length around the block and padding boundaries', () => {
    for (let length = 0; length <= 200; length++) {
      const data = bytes(length, length + 1);
      expect(createHash('sha256').update(data).digest('hex'), `length ${length}`).toBe(nodeHex(data));
    }
    const big = bytes(1_000_003, 7);
    expect(createHash('sha256').update(big).digest('hex')).toBe(nodeHex(big));
  });

  it('hashes text as UTF-8, in pieces as at once, like node:crypto', () => {
    const text = 'fixtures/generic/https-only.yaml\nzürich 東京 🔥 \ud800 lone surrogate';
    expect(createHash('sha256').update(text).digest('hex')).toBe(nodeHex(text));
    expect(createHash('sha256').update('config/a.yaml').update('\n').update('b').digest('hex')).toBe(
      nodeHex('config/a.yaml\nb'),
    );
  });

  it('leaves other algorithms to node:crypto', () => {
    expect(createHash('sha1').update('x').digest('hex')).toBe(
      nodeCreateHash('sha1').update('x').digest('hex'),
    );
  });
});

describe('randomUUID without node:crypto', () => {
  it('is a version 4 UUID, different every time', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const id = randomUUID();
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      seen.add(id);
    }
    expect(seen.size).toBe(200);
  });
});
