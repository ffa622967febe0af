import fc from 'fast-check';
import ipaddr from 'ipaddr.js';
import { describe, expect, it } from 'vitest';
import { IntervalSet } from '../../src/model/interval-set.js';
import {
  ALL_ADDRESSES,
  AddressSyntaxError,
  formatAddressSet,
  maskedAddressSet,
  netmaskToPrefix,
  parseAddress,
  parseCidr,
  parseIpSpec,
  scanDottedQuad,
  V6_BASE,
} from '../../src/model/ip.js';
import { ALL_PUBLIC, PUBLIC_SPACE } from '../../src/model/public-space.js';

const has = (set: IntervalSet, ip: string) => set.has(parseAddress(ip).value);

describe('IntervalSet', () => {
  const s = (...r: [number, number][]) => IntervalSet.fromRanges(r.map(([a, b]) => [BigInt(a), BigInt(b)]));
  it('normalizes overlapping and adjacent ranges', () => {
    expect([...s([5, 9], [1, 3], [4, 4], [20, 30], [25, 26]).ranges()]).toEqual([
      [1n, 9n],
      [20n, 30n],
    ]);
  });
  it('subtracts, intersects and unions exactly', () => {
    const a = s([0, 100]);
    const b = s([10, 20], [50, 60]);
    expect([...a.subtract(b).ranges()]).toEqual([
      [0n, 9n],
      [21n, 49n],
      [61n, 100n],
    ]);
    expect(a.intersect(b).equals(b)).toBe(true);
    expect(a.subtract(b).union(b).equals(a)).toBe(true);
    expect(a.covers(b)).toBe(true);
    expect(b.covers(a)).toBe(false);
    expect(a.subtract(b).size()).toBe(101n - 22n);
  });
});

describe('addresses', () => {
  it('parses strict IPv4 and IPv6, keeping the families apart', () => {
    expect(parseAddress('10.0.0.1')).toEqual({ family: 'ipv4', value: 0x0a000001n });
    expect(parseAddress('::1').value).toBe(V6_BASE + 1n);
    expect(() => parseAddress('10.1')).toThrow(AddressSyntaxError);
    expect(() => parseAddress('fe80::1%eth0')).toThrow(AddressSyntaxError);
    expect(() => parseAddress('256.0.0.1')).toThrow(AddressSyntaxError);
  });
  it('rejects prefix lengths beyond the family', () => {
    expect(() => parseCidr('10.0.0.0/33')).toThrow(/prefix length 33 is out of range 0-32/);
    expect(() => parseCidr('2001:db8::/129')).toThrow(/0-128/);
    expect(parseCidr('2001:db8::/128').size()).toBe(1n);
  });
  it('masks host bits as vendors do, and reads dotted netmasks', () => {
    expect(formatAddressSet(parseCidr('10.1.2.3/24'))).toBe('10.1.2.0/24');
    expect(formatAddressSet(parseCidr('10.1.2.3/255.255.0.0'))).toBe('10.1.0.0/16');
    expect(netmaskToPrefix('255.255.255.128')).toBe(25);
    expect(() => netmaskToPrefix('255.0.255.0')).toThrow(/contiguous/);
  });
  it('reads ranges and refuses reversed or mixed ones', () => {
    expect(parseIpSpec('10.0.0.5-10.0.0.9').size()).toBe(5n);
    expect(() => parseIpSpec('10.0.0.9-10.0.0.5')).toThrow(/ends before it starts/);
    expect(() => parseIpSpec('10.0.0.1-::1')).toThrow(/mixes/);
  });
  it('expands non-contiguous wildcard masks exactly', () => {
    // 10.0.x.1 for every x: care mask 255.255.0.255
    const set = maskedAddressSet('ipv4', parseAddress('10.0.0.1').value, 0xffff00ffn);
    expect(set.size()).toBe(256n);
    expect(has(set, '10.0.77.1')).toBe(true);
    expect(has(set, '10.0.77.2')).toBe(false);
  });
  it('formats IPv6 per RFC 5952', () => {
    expect(formatAddressSet(parseCidr('2001:0db8:0000::/32'))).toBe('2001:db8::/32');
  });
});

describe('public address space (RFC 6890)', () => {
  it('excludes special-purpose blocks and keeps ordinary public ones', () => {
    for (const ip of [
      '10.1.1.1',
      '172.16.0.1',
      '192.168.1.1',
      '100.64.0.1',
      '127.0.0.1',
      '169.254.1.1',
      '192.0.2.1',
      '198.18.0.1',
      '224.0.0.1',
      '255.255.255.255',
      '0.1.2.3',
    ]) {
      expect(has(PUBLIC_SPACE.ipv4, ip), ip).toBe(false);
    }
    for (const ip of ['8.8.8.8', '20.50.2.1', '172.32.0.1', '100.128.0.1'])
      expect(has(PUBLIC_SPACE.ipv4, ip), ip).toBe(true);
    for (const ip of ['fe80::1', 'fc00::1', '2001:db8::1', '::1', 'ff02::1', '2002::1']) {
      expect(has(PUBLIC_SPACE.ipv6, ip), ip).toBe(false);
    }
    expect(has(PUBLIC_SPACE.ipv6, '2603:1000::1')).toBe(true);
    expect(ALL_ADDRESSES.covers(ALL_PUBLIC)).toBe(true);
  });
});

describe('IntervalSet.intersects', () => {
  const set = (...r: [number, number][]) => IntervalSet.fromRanges(r.map(([a, b]) => [BigInt(a), BigInt(b)]));
  it('agrees with intersect() for small and large sets alike', () => {
    const many = IntervalSet.fromRanges(
      Array.from({ length: 40 }, (_, i) => [BigInt(i * 10), BigInt(i * 10 + 4)] as const),
    );
    for (let lo = -3; lo < 420; lo += 1) {
      for (const len of [0, 1, 3, 7]) {
        const few = set([lo, lo + len], [lo + 100, lo + 100]);
        expect(few.intersects(many), `${lo}+${len}`).toBe(!few.intersect(many).isEmpty());
        expect(many.intersects(few)).toBe(!few.intersect(many).isEmpty());
      }
    }
  });
});

describe('public address space tables', () => {
  it('equal the special-purpose registries written as CIDRs', () => {
    const special4 = [
      '0.0.0.0/8',
      '10.0.0.0/8',
      '100.64.0.0/10',
      '127.0.0.0/8',
      '169.254.0.0/16',
      '172.16.0.0/12',
      '192.0.0.0/24',
      '192.0.2.0/24',
      '192.31.196.0/24',
      '192.52.193.0/24',
      '192.88.99.0/24',
      '192.168.0.0/16',
      '192.175.48.0/24',
      '198.18.0.0/15',
      '198.51.100.0/24',
      '203.0.113.0/24',
      '224.0.0.0/4',
      '240.0.0.0/4',
    ];
    const v4 = parseCidr('0.0.0.0/0').subtract(IntervalSet.unionAll(special4.map(parseCidr)));
    expect(PUBLIC_SPACE.ipv4.equals(v4)).toBe(true);
    const special6 = ['2001::/23', '2001:db8::/32', '2002::/16', '3fff::/20'];
    const v6 = parseCidr('2000::/3').subtract(IntervalSet.unionAll(special6.map(parseCidr)));
    expect(PUBLIC_SPACE.ipv6.equals(v6)).toBe(true);
  });
});

describe('scanDottedQuad (the allocation-free IPv4 path of parseAddress)', () => {
  it('accepts exactly what ipaddr.js accepts as a four-part decimal address, with the same value', () => {
    const part = fc.oneof(
      fc.integer({ min: 0, max: 300 }).map(String),
      fc.constantFrom('00', '01', '007', '', ' 1', '1 ', '+1', '-1', '1e2', '0x1', 'a'),
    );
    const texts = fc.oneof(
      fc.array(part, { minLength: 1, maxLength: 6 }).map((parts) => parts.join('.')),
      fc.string({ unit: fc.constantFrom('0', '1', '2', '5', '9', '.', ' '), maxLength: 18 }),
    );
    fc.assert(
      fc.property(texts, (text) => {
        const expected = ipaddr.IPv4.isValidFourPartDecimal(text)
          ? Number(
              ipaddr.IPv4.parse(text)
                .toByteArray()
                .reduce((v, b) => v * 256 + b, 0),
            )
          : -1;
        expect(scanDottedQuad(text)).toBe(expected);
      }),
      { numRuns: 5000 },
    );
  });

  it('reads a part of a longer text', () => {
    expect(scanDottedQuad('x10.1.2.3/24', 1, 9)).toBe(10 * 2 ** 24 + 1 * 2 ** 16 + 2 * 256 + 3);
    expect(parseAddress('255.255.255.255')).toEqual({ family: 'ipv4', value: 0xffffffffn });
  });
});
