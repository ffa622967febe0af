import { describe, expect, it } from 'vitest';
import { ipsExpr, listExpr, unknownExpr, type AddressExpr } from '../../../src/model/address.js';
import { parseCidr } from '../../../src/model/ip.js';
import { withinFamily } from '../../../src/formats/fortigate/addresses.js';

const ips = (cidr: string) => ipsExpr(parseCidr(cidr));

describe('withinFamily', () => {
  it("keeps a list of the family's own addresses as it is: nothing to take away", () => {
    const list = listExpr([ips('10.0.0.0/8'), ips('192.0.2.1/32')]);
    expect(withinFamily(list, 'ipv4')).toBe(list);
    const v6 = listExpr([ips('2001:db8::/32'), ips('2001:db8:1::/48')]);
    expect(withinFamily(v6, 'ipv6')).toBe(v6);
  });

  it('takes the other family away from a list that holds some of it, or what it cannot see into', () => {
    const mixed = listExpr([ips('10.0.0.0/8'), ips('2001:db8::/32')]);
    const kept = withinFamily(mixed, 'ipv4') as AddressExpr & { kind: 'minus' };
    expect(kept.kind).toBe('minus');
    expect(kept.from).toBe(mixed);
    const unsure = listExpr([
      ips('10.0.0.0/8'),
      unknownExpr({ reason: 'r', location: { path: 'p', line: 1 } }),
    ]);
    expect(withinFamily(unsure, 'ipv4').kind).toBe('minus');
    // A list of IPv4 addresses is not within IPv6.
    expect(withinFamily(listExpr([ips('10.0.0.0/8'), ips('192.0.2.1/32')]), 'ipv6').kind).toBe('minus');
  });
});
