import { existsSync, readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseFlowSpec } from '../../../src/check/flow-spec.js';
import { evaluateFlow } from '../../../src/evaluate/evaluate.js';
import { detectFormat } from '../../../src/formats/registry.js';
import { opnsenseReader, pfsenseReader } from '../../../src/formats/pfsense/pfsense-reader.js';
import { Category, type PfRule } from '../../../src/formats/pfsense/rules.js';
import { firstMatchOrder } from '../../../src/formats/pfsense/stages.js';
import { InputError } from '../../../src/input/input-error.js';
import { ANY_ADDRESS } from '../../../src/model/address.js';
import { parseIpSpec } from '../../../src/model/ip.js';
import { ANY_SERVICE } from '../../../src/model/service.js';
import { ZoneSet } from '../../../src/model/zone-set.js';

const BRANCH = 'fixtures/pfsense/branch-office.xml';
const HQ = 'fixtures/opnsense/hq.xml';
const file = (path: string) => ({ path, text: readFileSync(path, 'utf8') });
const pf = (text: string) => pfsenseReader.read([{ path: 'config.xml', text }])[0]!;
const opn = (text: string) => opnsenseReader.read([{ path: 'config.xml', text }])[0]!;

function minimal(root: string, filter: string, extra = ''): string {
  return `<?xml version="1.0"?>
<${root}>
  <system><hostname>fw</hostname><ipv6allow></ipv6allow><webgui><noantilockout/></webgui></system>
  <interfaces>
    <wan><enable>1</enable><if>em0</if><ipaddr>dhcp</ipaddr></wan>
    <lan><enable>1</enable><if>em1</if><ipaddr>192.168.1.1</ipaddr><subnet>24</subnet></lan>
  </interfaces>${extra}
  <filter>
${filter}
  </filter>
</${root}>
`;
}

const verdict = (policy: ReturnType<typeof pf>, flow: string, source = '192.168.1.0/24') =>
  evaluateFlow(policy, parseFlowSpec(flow), { sources: parseIpSpec(source) });

describe('pf last match with quick as a first-match list', () => {
  it('agrees with pf on random rule lists (each rule a set of 8 packets, quick or not)', () => {
    const rule = fc.record({
      packets: fc.integer({ min: 0, max: 255 }),
      allow: fc.boolean(),
      quick: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(rule, { maxLength: 12 }), (list) => {
        const rules: PfRule[] = list.map((r, i) => ({
          rule: {
            name: String(i),
            enabled: true,
            action: r.allow ? 'allow' : 'deny',
            sources: ANY_ADDRESS,
            destinations: ANY_ADDRESS,
            services: ANY_SERVICE,
            location: { path: 'x', line: i + 1 },
          },
          interfaces: ZoneSet.ANY,
          direction: 'in',
          quick: r.quick,
          category: Category.Floating,
          order: [i],
          tab: 'Floating',
        }));
        const order = firstMatchOrder(rules);
        for (let p = 0; p < 8; p++) {
          // pf: every rule is evaluated; the last match decides, a quick match at once (default: block).
          let pfDecision = 'deny';
          for (const r of list) {
            if ((r.packets >> p) & 1) {
              pfDecision = r.allow ? 'allow' : 'deny';
              if (r.quick) break;
            }
          }
          const first = order.find((r) => (list[Number(r.rule.name)]!.packets >> p) & 1);
          expect(first?.rule.action ?? 'deny').toBe(pfDecision);
        }
      }),
      { numRuns: 10000, seed: 7 },
    );
  });
});

describe('pfSense and OPNsense readers', () => {
  it('detects each product by its root element and no other', () => {
    expect(detectFormat(file(BRANCH)).id).toBe('pfsense');
    expect(detectFormat(file(HQ)).id).toBe('opnsense');
    expect(pfsenseReader.detect(file(HQ)).kind).toBe('no');
  });

  it('knows the enabled interfaces as zones, with their subnets, and the egress from the default gateway', () => {
    const p = pfsenseReader.read([file(BRANCH)])[0]!;
    expect(p.zones?.known).toEqual(['lan', 'opt1', 'opt2', 'wan']);
    expect(p.zones?.incomplete).toBe(false);
    expect(p.zones?.subnets?.map((s) => s.zone)).toEqual(['lan', 'lan', 'opt1', 'opt2']);
    expect(p.egressZones?.toString()).toBe('wan');
    expect(p.stages?.map((s) => s.name)).toEqual([
      'outbound on the egress interface',
      "inbound on the clients' interface",
    ]);
  });

  it('skips a rule on a disabled interface, as pfSense does, with a warning naming its line', () => {
    const p = pfsenseReader.read([file(BRANCH)])[0]!;
    const lab = p.rules.find((r) => r.name === 'Lab to any')!;
    expect(lab.enabled).toBe(false);
    expect(p.warnings).toContainEqual({
      message: 'rule "Lab to any": interface "opt3" is not assigned and enabled; pfSense skips the rule',
      location: { path: BRANCH, line: 309 },
    });
  });

  it('reads a rule without <ipprotocol> as IPv4 only on pfSense and as both families on OPNsense', () => {
    const rule = `<rule><type>pass</type><interface>lan</interface><source><any/></source><destination><any/></destination><descr>r</descr></rule>`;
    expect(verdict(pf(minimal('pfsense', rule)), '*:443/tcp', '2001:db8::/64').verdict).toBe('blocked');
    expect(verdict(opn(minimal('opnsense', rule)), '*:443/tcp', '2001:db8::/64').verdict).toBe('allowed');
  });

  it('skips a rule whose alias does not exist (pfSense "Rule skipped: Unresolvable alias")', () => {
    const rule = `<rule><type>pass</type><interface>lan</interface><ipprotocol>inet</ipprotocol><source><any/></source><destination><address>NO_SUCH</address></destination><descr>to a missing alias</descr></rule>`;
    const p = pf(minimal('pfsense', rule));
    expect(p.warnings?.[0]?.message).toMatch(/"NO_SUCH" is neither an address nor an alias; pfSense skips/);
    expect(verdict(p, '*:443/tcp').verdict).toBe('blocked');
  });

  it('blocks what a non-quick floating rule blocks unless a quick rule matched first', () => {
    const rules = `
<rule><type>pass</type><interface>lan</interface><ipprotocol>inet</ipprotocol><source><any/></source><destination><any/></destination><descr>lan any</descr></rule>
<rule><type>block</type><floating>yes</floating><interface>lan</interface><direction>in</direction><ipprotocol>inet</ipprotocol><source><any/></source><destination><any/></destination><descr>float block</descr></rule>`;
    expect(verdict(pf(minimal('pfsense', rules)), '*:443/tcp').verdict).toBe('allowed');
    const quick = rules.replace('<floating>yes</floating>', '<floating>yes</floating><quick>yes</quick>');
    const r = verdict(pf(minimal('pfsense', quick)), '*:443/tcp');
    expect(r.verdict).toBe('blocked');
  });

  it('reads a trimmed export without <interfaces>: interface names stay zones, their subnets unknown', () => {
    const text = `<?xml version="1.0"?>
<pfsense><system><ipv6allow/></system><filter>
<rule><type>pass</type><interface>lan</interface><source><network>lan</network></source><destination><any/></destination><descr>lan</descr></rule>
</filter></pfsense>`;
    const p = pf(text);
    expect(p.zones).toMatchObject({ known: ['lan'], incomplete: true });
    expect(p.warnings).toBeUndefined();
    expect(p.rules.find((r) => r.name === 'lan')!.enabled).toBe(true);
  });

  it('refuses broken XML and bad values with the line', () => {
    const broken = minimal('pfsense', '<rule><type>pass</type>');
    expect(() => pf(broken)).toThrow(InputError);
    const badProto = minimal(
      'pfsense',
      '<rule><type>pass</type><interface>lan</interface>\n<ipprotocol>ipx</ipprotocol></rule>',
    );
    try {
      pf(badProto);
      expect.unreachable();
    } catch (e) {
      expect((e as InputError).line).toBe(10);
      expect((e as InputError).message).toMatch(/ipprotocol/);
    }
  });

  it('reads every public corpus file of both products', () => {
    for (const [reader, dir] of [
      [pfsenseReader, '../shared/corpus/pfsense'],
      [opnsenseReader, '../shared/corpus/opnsense'],
    ] as const) {
      if (!existsSync(dir)) continue;
      for (const n of readdirSync(dir)) expect(reader.read([file(`${dir}/${n}`)]).length).toBe(1);
    }
  });
});
