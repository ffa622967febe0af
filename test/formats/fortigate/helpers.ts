import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { fortigateReader } from '../../../src/formats/fortigate/fortigate-reader.js';
import { InputError } from '../../../src/input/input-error.js';
import type { InputFile } from '../../../src/input/input-file.js';
import type { Policy, Rule } from '../../../src/model/policy.js';

export const FIXTURES = 'fixtures/fortigate';

/** The FortiGate fixture exports, by name in FIXTURES. */
export const FIXTURE_NAMES = [
  'hq-backup-7.2.conf',
  'dual-stack-sdwan-7.4.conf',
  'multi-vdom-6.2.conf',
  'edge-show-6.2.txt',
  'trimmed-show-policy-7.0.txt',
];

export function fixture(name: string): InputFile {
  const path = `${FIXTURES}/${name}`;
  return { path, text: readFileSync(path, 'utf8') };
}

export const HEADER = [
  '#config-version=FGT60F-7.2.5-FW-build1517-230606:opmode=0:vdom=0:user=admin',
  '#conf_file_ver=3510285317426127',
  '#buildno=1517',
  '#global_vdom=1',
].join('\n');

/** The objects every snippet below may use: "all", "lan" (10/8), ALL and HTTPS. */
export const OBJECTS = `config firewall address
    edit "all"
    next
    edit "lan"
        set subnet 10.0.0.0 255.0.0.0
    next
end
config firewall service custom
    edit "ALL"
        set protocol IP
    next
    edit "HTTPS"
        set tcp-portrange 443
    next
end
`;

export const DEFAULT_ROUTE = `config router static
    edit 1
        set gateway 192.0.2.1
        set device "wan1"
    next
end
`;

/** A backup with OBJECTS, `extra` blocks, the given policy entries and a default route through wan1. */
export function backup(policies: string, extra = ''): string {
  return `${HEADER}\n${OBJECTS}${extra}config firewall policy\n${policies}end\n${DEFAULT_ROUTE}`;
}

/** One accept policy from port2 to wan1 with the given extra settings (each a full `set` line). */
export function policy(id: number, settings: string[]): string {
  return [`    edit ${id}`, ...settings.map((s) => `        ${s}`), '    next', ''].join('\n');
}

export const ALLOW_ALL = [
  'set srcintf "port2"',
  'set dstintf "wan1"',
  'set srcaddr "all"',
  'set dstaddr "all"',
  'set action accept',
  'set schedule "always"',
  'set service "ALL"',
];

export function read(text: string, path = 'fgt.conf'): Policy[] {
  return fortigateReader.read([{ path, text }]);
}

export function readOne(text: string, path = 'fgt.conf'): Policy {
  const policies = read(text, path);
  expect(policies).toHaveLength(1);
  return policies[0]!;
}

export function readError(text: string, path = 'fgt.conf'): InputError {
  try {
    read(text, path);
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return e as InputError;
  }
  throw new Error('expected an InputError');
}

/** 1-based line of the first line of `text` containing `needle` (from line `from` on). */
export function lineOf(text: string, needle: string, from = 1): number {
  const lines = text.split('\n');
  const i = lines.findIndex((l, k) => k + 1 >= from && l.includes(needle));
  if (i < 0) throw new Error(`"${needle}" not in text`);
  return i + 1;
}

export function rule(p: Policy, name: string): Rule {
  const r = p.rules.find((x) => x.name === name);
  if (!r) throw new Error(`no rule ${name}`);
  return r;
}
