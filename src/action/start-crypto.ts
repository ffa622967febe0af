/**
 * Stands in for `node:crypto` in the action bundle (scripts/build.mjs, `startCrypto`): the first load of
 * `node:crypto` costs ~5 ms of a ~75 ms run, while a run only hashes a few bytes for the comment key and
 * takes random UUIDs for @actions/core's output delimiters and the stop-commands token. SHA-256 is
 * computed in JavaScript (same digest), random bytes come from the kernel's CSPRNG; anything else, and
 * platforms without /dev/urandom, use the real module, loaded on first use.
 */
import type { Hash } from 'node:crypto';
import { closeSync, openSync, readSync } from 'node:fs';
import { sha256 } from './sha256.js';

const real = () => process.getBuiltinModule('node:crypto');

/** The subset of crypto.Hash the bundle's code calls: update() with text or bytes, digest() as hex. */
class Sha256Hash {
  private readonly parts: Uint8Array[] = [];

  update(data: string | Uint8Array): this {
    this.parts.push(typeof data === 'string' ? new TextEncoder().encode(data) : data);
    return this;
  }

  digest(encoding: 'hex'): string {
    if (encoding !== 'hex') throw new Error(`start-crypto: digest encoding ${String(encoding)} unsupported`);
    return Buffer.from(sha256(Buffer.concat(this.parts))).toString('hex');
  }
}

export function createHash(algorithm: string): Sha256Hash | Hash {
  return algorithm === 'sha256' ? new Sha256Hash() : real().createHash(algorithm);
}

/** `length` bytes from /dev/urandom (the kernel's CSPRNG, as getrandom(2) and OpenSSL use), if it exists. */
function urandom(length: number): Uint8Array | undefined {
  let fd: number;
  try {
    fd = openSync('/dev/urandom', 'r');
  } catch {
    return undefined;
  }
  try {
    const bytes = new Uint8Array(length);
    for (let at = 0; at < length;) {
      const n = readSync(fd, bytes, at, length - at, null);
      if (n <= 0) return undefined;
      at += n;
    }
    return bytes;
  } finally {
    closeSync(fd);
  }
}

/** A version 4 UUID (RFC 9562 5.4): 122 random bits, the version and variant bits set. */
export function randomUUID(): string {
  const b = urandom(16);
  if (!b) return real().randomUUID();
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const hex = Buffer.from(b).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
