import { existsSync, readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseFlowSpec } from '../../../src/check/flow-spec.js';
import { evaluateFlow } from '../../../src/evaluate/evaluate.js';
import { detectNftables } from '../../../src/formats/nftables/detect.js';
import { nftablesReader } from '../../../src/formats/nftables/nftables-reader.js';
import { detectFormat } from '../../../src/formats/registry.js';
import { InputError } from '../../../src/input/input-error.js';
import { IntervalSet } from '../../../src/model/interval-set.js';
import { parseIpSpec } from '../../../src/model/ip.js';
import type { Policy } from '../../../src/model/policy.js';
import { ZoneSet } from '../../../src/model/zone-set.js';
import { expectReadOrInputError, fuzzParameters, lineEdits } from '../damaged-input.js';

const read = (text: string, path = 'fw.nft'): Policy => nftablesReader.read([{ path, text }])[0]!;

function readError(text: string): InputError {
  try {
    read(text);
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return e as InputError;
  }
  throw new Error('expected an InputError');
}

function verdict(policy: Policy, flow: string, source: string, sz?: string, dz?: string) {
  return evaluateFlow(policy, parseFlowSpec(flow), {
    sources: IntervalSet.unionAll(source.split(',').map((s) => parseIpSpec(s))),
    sourceZones: sz ? ZoneSet.of([sz]) : undefined,
    destinationZones: dz ? ZoneSet.of([dz]) : undefined,
  });
}

const FORWARD = (rules: string, policy = 'drop') =>
  `table inet f {\n\tchain forward {\n\t\ttype filter hook forward priority filter; policy ${policy};\n${rules
    .split('\n')
    .map((r) => `\t\t${r}`)
    .join('\n')}\n\t}\n}\n`;

describe('nftables detection', () => {
  it('recognises listings, scripts and JSON, and nothing else', () => {
    expect(detectNftables({ path: 'a', text: FORWARD('accept') }).kind).toBe('yes');
    expect(detectNftables({ path: 'a', text: '#!/usr/sbin/nft -f\nflush ruleset\n' }).kind).toBe('yes');
    expect(detectNftables({ path: 'a', text: 'add rule inet f forward accept\n' }).kind).toBe('yes');
    expect(detectNftables({ path: 'a', text: '{"nftables": [{"metainfo": {}}]}' }).kind).toBe('yes');
    expect(detectNftables({ path: 'a', text: '*filter\n:INPUT ACCEPT [0:0]\nCOMMIT\n' }).kind).toBe('no');
    expect(detectNftables({ path: 'a', text: 'format: generic/v1\nrules: []\n' }).kind).toBe('no');
  });

  it('every fixture is detected as nftables', () => {
    for (const f of readdirSync('fixtures/nftables').filter(
      (x) => !x.includes('.expected.') && !x.endsWith('.md'),
    )) {
      expect(detectFormat({ path: f, text: readFileSync(`fixtures/nftables/${f}`, 'utf8') }).id, f).toBe(
        'nftables',
      );
    }
  });
});

describe('nftables input errors name the line', () => {
  it('refuses include with what to do instead', () => {
    const e = readError('define X = 1\ninclude "/etc/nftables.d/*.nft"\n');
    expect(e.line).toBe(2);
    expect(e.message).toMatch(/"include" is not read.*nft list ruleset/);
  });

  it('an undefined variable', () => {
    const e = readError(`define A = 10.0.0.0/8\n${FORWARD('ip saddr $B accept')}`);
    expect(e.line).toBe(5);
    expect(e.message).toMatch(/variable "\$B" is not defined/);
  });

  it('a jump to a chain that does not exist', () => {
    const e = readError(FORWARD('accept\njump nowhere'));
    expect(e.line).toBe(5);
    expect(e.message).toMatch(/chain nowhere is not defined/);
  });

  it('an unclosed block, a set that does not exist, an IPv6 address in an ip match', () => {
    expect(readError('table inet f {\n\tchain c {\n').message).toMatch(/not closed/);
    expect(readError(FORWARD('ip saddr @nope accept')).line).toBe(4);
    const e = readError(FORWARD('ip saddr fd00::1 accept'));
    expect(e.line).toBe(4);
    expect(e.message).toMatch(/IPv6 address fd00::1 compared with an ip address/);
  });

  it('JSON commands and broken JSON', () => {
    expect(readError('{"nftables": [{"add": {"rule": {}}}]}').message).toMatch(/nft -j list ruleset/);
    expect(
      readError('{"nftables": [\n{"rule": {"family": "inet", "table": "t", "chain": "c", "expr": []}}]}')
        .line,
    ).toBe(2);
  });

  it('throws nothing but InputError on damaged fixtures', () => {
    const noise = ['{', '}', ';', '"', '$X', '@s', 'jump', ' . ', ',', ':', 'ip saddr', '!=', '#', '\\'];
    for (const f of readdirSync('fixtures/nftables').filter((x) => /\.(nft|json)$/.test(x))) {
      const lines = readFileSync(`fixtures/nftables/${f}`, 'utf8').split('\n');
      fc.assert(
        fc.property(lineEdits(noise), (edit) => {
          const copy = edit(lines);
          expectReadOrInputError((text) => read(text, f), copy.join('\n'), copy.length + 1);
        }),
        fuzzParameters(150),
      );
    }
  });
});

describe('nftables semantics', () => {
  it('an ip saddr rule never matches IPv6, and a rule without family matches both in inet', () => {
    const p = read(FORWARD('ip saddr 0.0.0.0/0 drop\naccept'));
    expect(verdict(p, '*:443/tcp', '10.0.0.0/8').verdict).toBe('blocked');
    expect(verdict(p, '*:443/tcp', 'fd00::/8').verdict).toBe('allowed');
  });

  it('a return copies the rest of the calling chain for the returning packets only', () => {
    const text = `table inet f {
\tchain forward {
\t\ttype filter hook forward priority filter; policy drop;
\t\tjump sub
\t\ttcp dport 443 accept
\t}
\tchain sub {
\t\tip saddr 10.1.0.0/16 return
\t\tudp dport 3478 accept
\t}
}
`;
    const p = read(text);
    expect(verdict(p, '*:3478/udp', '10.1.0.0/16').verdict).toBe('blocked');
    expect(verdict(p, '*:3478/udp', '10.2.0.0/16').verdict).toBe('allowed');
    expect(verdict(p, '*:443/tcp', '10.1.0.0/16').verdict).toBe('allowed');
  });

  it('goto does not come back: the end of the target applies the base chain policy', () => {
    const p = read(
      `table inet f {\n\tchain forward {\n\t\ttype filter hook forward priority filter; policy drop;\n\t\tgoto sub\n\t\ttcp dport 443 accept\n\t}\n\tchain sub {\n\t}\n}\n`,
    );
    const r = verdict(p, '*:443/tcp', '10.1.0.0/16');
    expect(r.verdict).toBe('blocked');
    expect(p.rules[r.decidedBy!]!.name).toBe('inet f forward policy drop');
  });

  it('ct state: the first packet is new; established,related never admits it', () => {
    expect(
      verdict(read(FORWARD('ct state established,related accept')), '*:443/tcp', '10.0.0.0/8').verdict,
    ).toBe('blocked');
    expect(verdict(read(FORWARD('ct state new accept')), '*:443/tcp', '10.0.0.0/8').verdict).toBe('allowed');
    expect(verdict(read(FORWARD('ct state != invalid accept')), '*:443/tcp', '10.0.0.0/8').verdict).toBe(
      'allowed',
    );
    expect(verdict(read(FORWARD('tcp flags syn / syn,ack accept')), '*:443/tcp', '10.0.0.0/8').verdict).toBe(
      'allowed',
    );
    expect(verdict(read(FORWARD('tcp flags ack accept')), '*:443/tcp', '10.0.0.0/8').verdict).toBe('blocked');
  });

  it('a notrack anywhere makes ct state unknown', () => {
    const p = read(
      `${FORWARD('ct state new accept')}table inet raw {\n\tchain pre {\n\t\ttype filter hook prerouting priority raw; policy accept;\n\t\tudp dport 53 notrack\n\t}\n}\n`,
    );
    expect(verdict(p, '*:443/tcp', '10.0.0.0/8').verdict).toBe('unknown');
  });

  it('reads the listing with -a handles as rule ids', () => {
    const p = read(readFileSync('fixtures/nftables/router.nft', 'utf8'));
    expect(p.rules.find((r) => r.name === 'inet filter forward #4')?.id).toBe('handle 9');
  });

  it('a verdict map on a named map, and a chain policy as the stage default with its line', () => {
    const p = read(
      readFileSync('fixtures/nftables/host-script.nft', 'utf8'),
      'fixtures/nftables/host-script.nft',
    );
    expect(p.stages?.map((s) => s.name)).toEqual(['inet egress output (hook output, priority 0)']);
    const last = p.rules[p.stages![0]!.end - 1]!;
    expect([last.name, last.location.line]).toEqual(['inet egress output policy drop', 28]);
    expect(p.notes.join('\n')).toMatch(/read as a host/);
  });

  const GENTOO = '../shared/corpus/nftables/gentoo-workstation.nft';
  it.skipIf(!existsSync(GENTOO))('the corpus JSON and its source script give the same rules', () => {
    const text = read(readFileSync(GENTOO, 'utf8'));
    const json = read(readFileSync(`${GENTOO}.json`, 'utf8'), 'w.json');
    expect(json.rules.map((r) => [r.name, r.action])).toEqual(text.rules.map((r) => [r.name, r.action]));
  });
});

describe('chain loops', () => {
  it('a chain that goes to itself is an input error at its line, not a stack overflow', () => {
    const e = readError(`table inet filter {
	chain media {
		udp dport 3478 goto media
	}
	chain forward {
		type filter hook forward priority filter; policy drop;
		goto media
	}
}
`);
    expect(e.line).toBe(3);
    expect(e.message).toMatch(/chains jump into each other in a loop \(forward -> media -> media\)/);
  });
});
