import { describe, expect, it } from 'vitest';
import { Aliases, type AliasDef } from '../../../src/formats/pfsense/aliases.js';
import type { AddressExpr } from '../../../src/model/address.js';
import { parseIpSpec } from '../../../src/model/ip.js';

const alias = (name: string, type: string, entries: string[], line = 1, enabled = true): AliasDef => ({
  name,
  type,
  entries,
  enabled,
  location: { path: 'config.xml', line },
  mvc: false,
});

const reasons = (e: AddressExpr): string[] =>
  e.kind === 'unknown' ? [e.part.reason] : e.kind === 'union' ? e.members.flatMap(reasons) : [];

describe('pfSense/OPNsense nested aliases', () => {
  it('an alias named twice (a diamond) is one set, not a loop', () => {
    const a = new Aliases([
      alias('top', 'network', ['left', 'right']),
      alias('left', 'network', ['shared', '10.0.1.0/24']),
      alias('right', 'network', ['shared']),
      alias('shared', 'host', ['10.0.0.5']),
    ]);
    const expr = a.address('top')!;
    expect(expr.kind).toBe('ips');
    if (expr.kind === 'ips')
      expect(expr.set.equals(parseIpSpec('10.0.0.5').union(parseIpSpec('10.0.1.0/24')))).toBe(true);
    expect(a.portRanges('top')).toEqual({
      reason: 'port alias "top": a network alias used as ports',
      location: { path: 'config.xml', line: 1 },
    });
  });

  it('a disabled or run-time alias nested anywhere is unknown, naming that alias', () => {
    const a = new Aliases([
      alias('top', 'network', ['mid', '10.0.0.1']),
      alias('mid', 'network', ['off', 'feed']),
      alias('off', 'host', ['10.0.0.2'], 7, false),
      alias('feed', 'urltable', ['https://example.com/list'], 9),
    ]);
    expect(reasons(a.address('top')!)).toEqual([
      'alias "off": it is disabled',
      'alias "feed": a urltable alias, whose addresses the firewall loads at run time',
    ]);
  });

  it('a chain of 20,000 aliases with host names is one union one level deep', () => {
    const n = 20_000;
    const defs = Array.from({ length: n }, (_, i) =>
      alias(`a${i}`, 'host', [`h${i}.example.com`, i + 1 < n ? `a${i + 1}` : '10.0.0.5']),
    );
    const expr = new Aliases(defs).address('a0')!;
    expect(expr.kind).toBe('union');
    if (expr.kind !== 'union') return;
    expect(expr.members).toHaveLength(n + 1);
    expect(expr.members.filter((m) => m.kind === 'union')).toEqual([]);
  });

  it('port aliases nested 20,000 deep give every range; a bad entry deep down names its alias', () => {
    const n = 20_000;
    const defs = Array.from({ length: n }, (_, i) =>
      alias(`p${i}`, 'port', [String(2 * i + 1), ...(i + 1 < n ? [`p${i + 1}`] : [])], i + 1),
    );
    const a = new Aliases(defs);
    expect(a.portRanges('p0')).toHaveLength(n);
    defs[n - 1] = alias(`p${n - 1}`, 'port', ['http', 'not-a-port'], n);
    expect(new Aliases(defs).portRanges('p0')).toEqual({
      reason: `port alias "p${n - 1}": entry "not-a-port" is not a port or range`,
      location: { path: 'config.xml', line: n },
    });
  });
});
