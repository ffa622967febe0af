import { expect } from 'vitest';
import { panosReader } from '../../../src/formats/panos/panos-reader.js';
import { InputError } from '../../../src/input/input-error.js';
import type { Policy, Rule } from '../../../src/model/policy.js';

export interface RuleSpec {
  name: string;
  from?: string[];
  to?: string[];
  source?: string[];
  destination?: string[];
  application?: string[];
  service?: string[];
  action?: string;
  /** Further elements, verbatim. */
  extra?: string;
}

function members(tag: string, list: string[]): string {
  return `<${tag}>${list.map((m) => `<member>${m}</member>`).join('')}</${tag}>`;
}

/** One security rule `<entry>`, on one line. */
export function ruleXml(r: RuleSpec): string {
  return (
    `<entry name="${r.name}">` +
    members('from', r.from ?? ['any']) +
    members('to', r.to ?? ['any']) +
    members('source', r.source ?? ['any']) +
    members('destination', r.destination ?? ['any']) +
    members('application', r.application ?? ['any']) +
    members('service', r.service ?? ['any']) +
    `<action>${r.action ?? 'allow'}</action>${r.extra ?? ''}</entry>`
  );
}

/**
 * A firewall config with one vsys: `objects` go into the vsys (zones, addresses, ...), the rules into its
 * rulebase, one element per line so tests can name lines. Zones trust and untrust are defined, and the
 * default route leaves through untrust.
 */
export function firewallXml(objects: string, rules: RuleSpec[] | string, shared = ''): string {
  const ruleLines = typeof rules === 'string' ? rules : rules.map(ruleXml).join('\n');
  return [
    '<config version="10.2.0" urldb="paloaltonetworks">',
    `<shared>${shared}</shared>`,
    '<devices>',
    '<entry name="localhost.localdomain">',
    '<network><interface><ethernet><entry name="ethernet1/1"><layer3><ip><entry name="203.0.113.2/29"/></ip></layer3></entry></ethernet></interface>',
    '<virtual-router><entry name="default"><routing-table><ip><static-route><entry name="d"><interface>ethernet1/1</interface><destination>0.0.0.0/0</destination></entry></static-route></ip></routing-table></entry></virtual-router></network>',
    '<vsys>',
    '<entry name="vsys1">',
    '<zone><entry name="untrust"><network><layer3><member>ethernet1/1</member></layer3></network></entry><entry name="trust"><network><layer3/></network></entry></zone>',
    objects,
    '<rulebase><security><rules>',
    ruleLines,
    '</rules></security></rulebase>',
    '</entry>',
    '</vsys>',
    '</entry>',
    '</devices>',
    '</config>',
    '',
  ].join('\n');
}

/** Line of the first line of `text` containing `needle`. */
export function lineOf(text: string, needle: string): number {
  const i = text.split('\n').findIndex((l) => l.includes(needle));
  if (i < 0) throw new Error(`"${needle}" not in text`);
  return i + 1;
}

export function readOne(text: string, path = 'running-config.xml'): Policy {
  const policies = panosReader.read([{ path, text }]);
  expect(policies).toHaveLength(1);
  return policies[0]!;
}

export function rule(policy: Policy, name: string): Rule {
  const r = policy.rules.find((x) => x.name === name);
  if (!r) throw new Error(`no rule ${name}`);
  return r;
}

export function readError(text: string, path = 'running-config.xml'): InputError {
  try {
    panosReader.read([{ path, text }]);
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return e as InputError;
  }
  throw new Error('expected an InputError');
}

export function expectError(text: string, line: number, message: RegExp, path = 'running-config.xml'): void {
  const e = readError(text, path);
  expect({ path: e.path, line: e.line, message: e.message }).toEqual({
    path,
    line,
    message: expect.stringMatching(message),
  });
}
