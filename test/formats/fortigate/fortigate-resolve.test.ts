import { describe, expect, it } from 'vitest';
import { matchAddress, type AddressExpr } from '../../../src/model/address.js';
import { parseIpSpec } from '../../../src/model/ip.js';
import { matchService, type ServiceExpr } from '../../../src/model/service.js';
import { ALLOW_ALL, backup, HEADER, policy, read, readError, readOne } from './helpers.js';

const ADDRESSES = { kind: 'addresses' } as const;

function covers(expr: AddressExpr, cidr: string): boolean {
  return matchAddress(expr, ADDRESSES).yes.covers(parseIpSpec(cidr));
}

function tcp(expr: ServiceExpr, port: number): string {
  return matchService(expr, port, 'tcp').result;
}

const vdom = (name: string, member: string) => `edit ${name}
config firewall address
    edit "all"
    next
    edit "site"
        set subnet ${member} 255.255.0.0
    next
end
config firewall service custom
    edit "ALL"
        set protocol IP
    next
end
config firewall policy
${policy(1, ['set srcintf "port2"', 'set dstintf "wan1"', 'set srcaddr "sites"', 'set dstaddr "all"', 'set action accept', 'set schedule "always"', 'set service "ALL"'])}end
next
`;

describe('FortiGate name resolution', () => {
  it('resolves a config global group in each VDOM with that VDOM’s own members', () => {
    // Each VDOM's objects are its own; a group the VDOM lacks is looked up in config global, and its
    // members are then the VDOM's objects of those names.
    const text = `${HEADER}
config vdom
edit one
next
edit two
next
end
config global
config firewall addrgrp
    edit "sites"
        set member "site"
    next
end
end
config vdom
${vdom('one', '10.1.0.0')}${vdom('two', '10.2.0.0')}end
`;
    const [one, two] = read(text);
    expect(covers(one!.rules[0]!.sources, '10.1.0.0/16')).toBe(true);
    expect(covers(one!.rules[0]!.sources, '10.2.0.0/16')).toBe(false);
    expect(covers(two!.rules[0]!.sources, '10.2.0.0/16')).toBe(true);
    expect(covers(two!.rules[0]!.sources, '10.1.0.0/16')).toBe(false);
  });

  it('gives every rule naming an object the same expression, and reads factory defaults afresh each time', () => {
    const rules = [1, 2, 3].map((id) =>
      policy(
        id,
        ALLOW_ALL.map((s) => s.replace('"ALL"', '"HTTP"').replace('srcaddr "all"', 'srcaddr "lan"')),
      ),
    );
    const text = backup(rules.join(''));
    for (let k = 0; k < 2; k++) {
      const p = readOne(text);
      const [a, b, c] = p.rules;
      expect(a!.sources).toBe(b!.sources);
      expect(b!.sources).toBe(c!.sources);
      expect(a!.services).toBe(c!.services);
      // HTTP is not in the export: FortiOS's default (tcp/80), noted in every read.
      expect(tcp(a!.services, 80)).toBe('yes');
      expect(p.notes.join('\n')).toMatch(/factory-default objects.*HTTP/);
    }
  });

  it('names a cycle through groups even after the groups were used by a policy that came first', () => {
    const groups = `config firewall addrgrp
    edit "a"
        set member "b"
    next
    edit "b"
        set member "a"
    next
end
`;
    const text = backup(
      policy(
        1,
        ALLOW_ALL.map((s) => s.replace('srcaddr "all"', 'srcaddr "a" "lan"')),
      ),
      groups,
    );
    expect(readError(text).message).toMatch(/address group "a" contains itself \("a" -> "b" -> "a"\)/);
  });
});
