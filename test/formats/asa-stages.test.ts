import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseFlowSpec } from '../../src/check/flow-spec.js';
import { evaluateFlow, type Scope } from '../../src/evaluate/evaluate.js';
import { asaReader } from '../../src/formats/asa/asa-reader.js';
import { parseIpSpec } from '../../src/model/ip.js';
import type { Policy } from '../../src/model/policy.js';
import { ZoneSet } from '../../src/model/zone-set.js';

const FLOWS = ['*:443/tcp', '*:3478/udp', '*:8089/tcp', '*:53/udp', 'relay.example.com:443/tcp'];
const SOURCES = [undefined, '10.0.0.0/8'];

function read(path: string, text = readFileSync(path, 'utf8')): Policy {
  const policies = asaReader.read([{ path, text }]);
  expect(policies).toHaveLength(1);
  return policies[0]!;
}

function ruleRef(policy: Policy, i: number | undefined): string {
  if (i === undefined) return '-';
  const r = i < 0 ? policy.default : policy.rules[i]!;
  return `${r.name}@${r.location?.line ?? '-'}`;
}

/**
 * One line per flow and scope: the verdict, the deciding rule and the others named, with their lines.
 * Scopes: no zone, each source zone, each pair of source and destination zone; with and without sources.
 */
function verdictLines(path: string): string[] {
  const policy = read(path);
  const zones = [...(policy.zones?.known ?? [])];
  const scopes: { label: string; scope: Scope }[] = [];
  for (const source of SOURCES) {
    const s = source ? { sources: parseIpSpec(source) } : {};
    const at = source ?? 'any';
    scopes.push({ label: `from ${at}`, scope: s });
    for (const z of zones) {
      scopes.push({ label: `from ${at} in ${z}`, scope: { ...s, sourceZones: ZoneSet.of([z]) } });
      for (const d of zones) {
        scopes.push({
          label: `from ${at} in ${z} out ${d}`,
          scope: { ...s, sourceZones: ZoneSet.of([z]), destinationZones: ZoneSet.of([d]) },
        });
      }
    }
  }
  const lines = [`# ${path}`];
  for (const { label, scope } of scopes) {
    // Flows with the same result share a line.
    const byResult = new Map<string, string[]>();
    for (const flow of FLOWS) {
      const r = evaluateFlow(policy, parseFlowSpec(flow), scope);
      const also = r.alsoBy.map((i) => ruleRef(policy, i)).join(', ');
      const result = `${r.verdict} | ${ruleRef(policy, r.decidedBy)}${also ? ` | also ${also}` : ''}`;
      byResult.set(result, [...(byResult.get(result) ?? []), flow]);
    }
    for (const [result, flows] of byResult) lines.push(`${label} | ${flows.join(' ')} | ${result}`);
  }
  return lines;
}

/**
 * The inbound and outbound ACLs are stages of the policy (Policy.stages); before, each outbound permit was
 * multiplied with every inbound rule into one list. The baselines were recorded from that reader (commit
 * 180d137): the stages give the same verdicts and name the same rules and lines.
 */
describe('ASA: stages give the verdicts the combined rule list gave', () => {
  it('on every fixture', async () => {
    const fixtures = readdirSync('fixtures/asa')
      .filter((f) => f.endsWith('.asa'))
      .sort();
    const text = fixtures.flatMap((f) => verdictLines(`fixtures/asa/${f}`)).join('\n');
    await expect(`${text}\n`).toMatchFileSnapshot('asa-stages.fixtures.baseline.txt');
  });

  const corpus = '../shared/corpus/asa';
  it.skipIf(!existsSync(corpus))('on the public corpus [skipped without ../shared/corpus]', async () => {
    const files = readdirSync(corpus).sort();
    const text = files.flatMap((f) => verdictLines(`${corpus}/${f}`)).join('\n');
    await expect(`${text}\n`).toMatchFileSnapshot('asa-stages.corpus.baseline.txt');
  });
});

describe('ASA: a large outbound ACL with a large inbound ACL', () => {
  // 1,001 inbound entries and 601 outbound permits: 600,000 combined rules, past the old cap (500,000)
  // beyond which traffic leaving through the interface was unknown.
  const lines = ['ASA Version 9.12(4)', 'hostname big'];
  lines.push('interface GigabitEthernet0/0', ' nameif outside', ' security-level 0');
  lines.push(' ip address 203.0.113.2 255.255.255.0');
  lines.push('interface GigabitEthernet0/1', ' nameif inside', ' security-level 100');
  lines.push(' ip address 10.0.0.1 255.255.0.0');
  for (let i = 0; i < 1000; i++) {
    lines.push(`access-list IN extended permit tcp 10.0.0.0 255.255.255.0 any eq ${20000 + i}`);
  }
  lines.push('access-list IN extended permit tcp 10.0.0.0 255.255.255.0 any eq https');
  for (let i = 0; i < 600; i++) lines.push(`access-list OUT extended permit udp any any eq ${30000 + i}`);
  lines.push('access-list OUT extended permit tcp any any eq https');
  lines.push('access-group IN in interface inside', 'access-group OUT out interface outside');
  lines.push('route outside 0.0.0.0 0.0.0.0 203.0.113.1 1');
  const text = `${lines.join('\n')}\n`;
  const policy = read('big.asa', text);
  const lineOf = (needle: string) => lines.indexOf(needle) + 1;
  const check = (flow: string, source: string) => {
    const r = evaluateFlow(policy, parseFlowSpec(flow), {
      sources: parseIpSpec(source),
      sourceZones: ZoneSet.of(['inside']),
    });
    return { verdict: r.verdict, rule: ruleRef(policy, r.decidedBy) };
  };

  it('decides every flow exactly, naming the entry', () => {
    expect(check('*:443/tcp', '10.0.0.0/24')).toEqual({
      verdict: 'allowed',
      rule: `IN line 1001@${lineOf('access-list IN extended permit tcp 10.0.0.0 255.255.255.0 any eq https')}`,
    });
    expect(check('*:443/tcp', '10.0.1.0/24')).toEqual({
      verdict: 'blocked',
      rule: `IN implicit deny@${lineOf('access-group IN in interface inside')}`,
    });
    expect(check('*:20005/tcp', '10.0.0.0/24')).toEqual({
      verdict: 'blocked',
      rule: `OUT implicit deny@${lineOf('access-group OUT out interface outside')}`,
    });
  });

  it('keeps one rule per entry', () => {
    expect(policy.rules.length).toBeLessThan(2000);
    expect(policy.notes.join('\n')).not.toMatch(/too large/);
  });
});
