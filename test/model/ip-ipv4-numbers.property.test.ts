import fc from 'fast-check';
import ipaddr from 'ipaddr.js';
import { describe, expect, it } from 'vitest';
import { IntervalSet } from '../../src/model/interval-set.js';
import {
  netmaskToPrefix,
  parseAddress,
  parseCidr,
  parseIpSpec,
  parseRange,
  plainIpv4Subnet,
  prefixBlock,
} from '../../src/model/ip.js';

// parseCidr and parseRange read plain IPv4 in numbers; everything else goes the general way. Oracle:
// ipaddr.js reads the address (strict four-part decimal only, as ip.ts requires) and bigint arithmetic
// makes the block.
function oracleAddress(text: string): bigint | undefined {
  if (!ipaddr.IPv4.isValidFourPartDecimal(text)) return undefined;
  return ipaddr.IPv4.parse(text)
    .toByteArray()
    .reduce((v, b) => (v << 8n) | BigInt(b), 0n);
}

function oracleCidr(text: string): IntervalSet | undefined {
  const [addr, len, ...rest] = text.split('/');
  const a = oracleAddress(addr!);
  if (a === undefined || rest.length > 0) return undefined;
  if (len === undefined) return IntervalSet.point(a);
  if (!/^\d{1,3}$/.test(len) || Number(len) > 32) return undefined;
  const host = 32n - BigInt(Number(len));
  const lo = (a >> host) << host;
  return IntervalSet.range(lo, lo + (1n << host) - 1n);
}

function outcome(f: () => IntervalSet): IntervalSet | 'refused' {
  try {
    return f();
  } catch {
    return 'refused';
  }
}

const octet = fc.oneof(
  fc.integer({ min: 0, max: 255 }).map(String),
  fc.constantFrom('00', '01', '256', '999', ''),
);
const quad = fc.tuple(octet, octet, octet, octet).map((o) => o.join('.'));
const length = fc.oneof(
  fc.integer({ min: 0, max: 40 }).map(String),
  fc.constantFrom('024', '08', '', 'x', '3 '),
);
const junk = fc.string({ unit: fc.constantFrom(...'0123456789./- '.split('')), maxLength: 20 });

describe('plain IPv4 read in numbers', () => {
  it('parseCidr: the same set as the oracle where the oracle reads it, refused where it does not', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          quad,
          fc.tuple(quad, length).map(([q, l]) => `${q}/${l}`),
          junk,
        ),
        (text) => {
          const want = oracleCidr(text.trim());
          const got = outcome(() => parseCidr(text));
          if (want === undefined) {
            // IPv6 and dotted masks are read by the general path; neither is in these strings' alphabet
            // except a dotted mask, which the oracle does not read.
            if (got !== 'refused') expect(text.split('/')[1] ?? '').toMatch(/\./);
          } else {
            expect(got).not.toBe('refused');
            expect((got as IntervalSet).equals(want)).toBe(true);
          }
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('parseRange: the same as the oracle, and refused when it ends before it starts', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.tuple(quad, quad).map(([a, b]) => `${a}-${b}`),
          junk,
        ),
        (text) => {
          const parts = text.split('-');
          const lo = parts.length === 2 ? oracleAddress(parts[0]!.trim()) : undefined;
          const hi = parts.length === 2 ? oracleAddress(parts[1]!.trim()) : undefined;
          const got = outcome(() => parseRange(text));
          if (lo === undefined || hi === undefined || lo > hi) expect(got).toBe('refused');
          else expect(got !== 'refused' && got.equals(IntervalSet.range(lo, hi))).toBe(true);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it("plainIpv4Subnet: the oracle's block for a plain address and a contiguous mask, else left to the general path", () => {
    // Masks: every contiguous one, and others (a random 32-bit value, or one with a hole).
    const contiguous = fc
      .integer({ min: 0, max: 32 })
      .map((p) => ipaddr.IPv4.subnetMaskFromPrefixLength(p).toString());
    const other = fc.oneof(
      fc
        .integer({ min: 0, max: 2 ** 32 - 1 })
        .map((n) => [24, 16, 8, 0].map((k) => (n >>> k) & 255).join('.')),
      fc.constantFrom('255.0.255.0', '255.255.255.253', '0.255.255.255', '255.255.255.0 ', '1.2.3'),
    );
    fc.assert(
      fc.property(quad, fc.oneof(contiguous, other, quad), (address, mask) => {
        const a = oracleAddress(address);
        const m = oracleAddress(mask);
        const prefix = m === undefined ? null : ipaddr.IPv4.parse(mask).prefixLengthFromSubnetMask();
        const got = plainIpv4Subnet(address, mask);
        if (a === undefined || prefix === null) {
          expect(got).toBeUndefined();
          return;
        }
        const host = 32n - BigInt(prefix);
        const lo = (a >> host) << host;
        const want = IntervalSet.range(lo, lo + (1n << host) - 1n);
        // Plain quads (no leading zero) are all read here; four-part forms with one go the general way.
        if (!/(^|\.)0\d/.test(`${address}.${mask}`)) expect(got).toBeDefined();
        if (got) {
          expect(got.equals(want)).toBe(true);
          // The general path gives the same set.
          const general = prefixBlock('ipv4', parseAddress(address).value, netmaskToPrefix(mask));
          expect([...got.ranges()]).toEqual([...general.ranges()]);
        }
      }),
      { numRuns: 5000 },
    );
  });

  it('names the prefix length beyond the family, as the general path does', () => {
    expect(() => parseIpSpec('10.0.0.0/33')).toThrow(/prefix length 33 is out of range 0-32 for ipv4/);
    expect(() => parseRange('10.0.0.9-10.0.0.1')).toThrow(/ends before it starts/);
  });
});
