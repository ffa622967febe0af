import { describe, expect, it } from 'vitest';
import { ALLOW_ALL, backup, HEADER, lineOf, OBJECTS, policy, readError } from './helpers.js';

/** Asserts an InputError at `line` of fgt.conf whose message matches `message`. */
function expectError(text: string, line: number, message: RegExp): void {
  const e = readError(text);
  expect(e.path).toBe('fgt.conf');
  expect(e.message).toMatch(message);
  expect(e.line, e.message).toBe(line);
}

describe('FortiGate structure errors', () => {
  it('refuses a file that ends inside a block (truncated), at its last line, naming what is open', () => {
    const full = backup(policy(1, ALLOW_ALL));
    const cut = full.slice(0, full.indexOf('    next\nend\nconfig router'));
    const last = cut.trimEnd().split('\n').length;
    expectError(
      cut,
      last,
      /ends inside config firewall policy \(line \d+\) > edit "1" \(line \d+\); expected "next" and "end"/,
    );
    const noEnd = `${HEADER}\n${OBJECTS}config firewall policy\n${policy(1, ALLOW_ALL)}`;
    expectError(
      noEnd,
      noEnd.trimEnd().split('\n').length,
      /ends inside config firewall policy \(line \d+\); expected "end" — is the export truncated\?/,
    );
  });

  it('refuses next without edit, end without config, edit inside edit, and commands outside blocks', () => {
    const nextWithoutEdit = `${HEADER}\nconfig firewall address\n    next\nend\n`;
    expectError(nextWithoutEdit, 6, /"next" without an open "edit" in config firewall address \(line 5\)/);
    const strayEnd = `${HEADER}\n${OBJECTS}end\n`;
    expectError(strayEnd, lineOf(strayEnd, 'end', 20), /"end" without an open "config" block/);
    const editInEdit = `${HEADER}\nconfig firewall address\n    edit "a"\n    edit "b"\n    next\nend\n`;
    expectError(editInEdit, 7, /"edit" inside edit "a" \(line 6\); expected "next"/);
    expectError('config system global\nend\nset hostname x\n', 3, /"set" outside any config block/);
    expectError('config system global\nend\nedit 1\n', 3, /"edit" outside any config block/);
  });

  it('refuses unknown commands and malformed structure lines', () => {
    expectError(
      `${HEADER}\nconfig firewall address\n    frobnicate 1\nend\n`,
      6,
      /unknown command "frobnicate"; expected config, edit, set/,
    );
    expectError(
      `${HEADER}\nconfig firewall address\n    edit ""a"\n    next\nend\n`,
      6,
      /malformed quoting: a quoted value must be followed by a space/,
    );
    expectError(
      `${HEADER}\nconfig firewall address\n    edit a b\n    next\nend\n`,
      6,
      /"edit" takes one entry name/,
    );
  });

  it('refuses an unterminated quote at the line it opens', () => {
    const text = `${HEADER}\nconfig firewall address\n    edit "a"\n        set comment "never closed\n    next\nend\n`;
    expectError(text, 7, /unterminated quoted string/);
  });

  it('refuses policies outside config vdom in a multi-VDOM configuration', () => {
    const text = `${HEADER}\nconfig vdom\nedit root\nnext\nend\nconfig firewall policy\n${policy(1, ALLOW_ALL)}end\n`;
    expectError(text, 9, /config firewall policy outside "config vdom" in a multi-VDOM configuration/);
  });
});

describe('FortiGate reference errors', () => {
  it('refuses a group that contains itself, naming the cycle at the member that closes it', () => {
    const extra = [
      'config firewall addrgrp',
      '    edit "offices"',
      '        set member "lan" "hq"',
      '    next',
      '    edit "hq"',
      '        set member "offices"',
      '    next',
      'end',
      '',
    ].join('\n');
    const text = backup('', extra);
    expectError(
      text,
      lineOf(text, 'set member "offices"'),
      /address group "offices" contains itself \("offices" -> "hq" -> "offices"\)/,
    );
    const svc =
      'config firewall service group\n    edit "loop"\n        set member "HTTPS" "loop"\n    next\nend\n';
    const text2 = backup('', svc);
    expectError(
      text2,
      lineOf(text2, 'set member "HTTPS" "loop"'),
      /service group "loop" contains itself \("loop" -> "loop"\)/,
    );
  });
});

describe('FortiGate value errors', () => {
  it('refuses bad addresses at their line', () => {
    const bad = (settings: string[]) =>
      backup(
        '',
        `config firewall address\n    edit "x"\n${settings.map((s) => `        ${s}\n`).join('')}    next\nend\n`,
      );
    const subnet = bad(['set subnet 10.0.0.300 255.255.255.0']);
    expectError(
      subnet,
      lineOf(subnet, 'set subnet 10.0.0.300'),
      /bad subnet "10.0.0.300 255.255.255.0" in address "x": .*; expected an IPv4 address and netmask/,
    );
    const mask = bad(['set subnet 10.0.0.0 255.0.255.0']);
    expectError(mask, lineOf(mask, '255.0.255.0'), /not a contiguous netmask/);
    const range = bad(['set type iprange', 'set start-ip 10.0.0.9', 'set end-ip 10.0.0.1']);
    expectError(range, lineOf(range, 'set end-ip'), /address "x": end-ip is below start-ip/);
    const v6 = backup(
      '',
      'config firewall address6\n    edit "x6"\n        set ip6 10.0.0.0/8\n    next\nend\n',
    );
    expectError(
      v6,
      lineOf(v6, 'set ip6'),
      /bad ip6 "10.0.0.0\/8" in address6 "x6": "10.0.0.0\/8" is an IPv4 address/,
    );
  });

  it('refuses bad port ranges, protocols and protocol numbers at their line', () => {
    const svc = (settings: string[]) =>
      backup(
        '',
        `config firewall service custom\n    edit "s"\n${settings.map((s) => `        ${s}\n`).join('')}    next\nend\n`,
      );
    const port = svc(['set tcp-portrange 443 70000']);
    expectError(
      port,
      lineOf(port, '70000'),
      /bad port range "70000" in tcp-portrange of service "s"; expected LOW\[-HIGH\]\[:SRCLOW\[-SRCHIGH\]\]/,
    );
    const reversed = svc(['set udp-portrange 9000-8000']);
    expectError(reversed, lineOf(reversed, '9000-8000'), /bad port range "9000-8000"/);
    const src = svc(['set udp-portrange 3478:2000-1000']);
    expectError(src, lineOf(src, '3478:2000-1000'), /bad port range "3478:2000-1000"/);
    const proto = svc(['set protocol GRE']);
    expectError(
      proto,
      lineOf(proto, 'set protocol GRE'),
      /unknown protocol "GRE" in service "s"; expected TCP\/UDP\/SCTP, ICMP, ICMP6 or IP/,
    );
    const num = svc(['set protocol IP', 'set protocol-number 300']);
    expectError(num, lineOf(num, 'set protocol-number'), /bad protocol-number "300"/);
  });

  it('refuses an unknown or malformed policy action', () => {
    const text = backup(policy(8, [...ALLOW_ALL.filter((s) => !s.includes('action')), 'set action allow']));
    expectError(
      text,
      lineOf(text, 'set action allow'),
      /unknown action "allow" in policy 8; expected accept, deny or ipsec/,
    );
    const malformed = backup(
      policy(8, [...ALLOW_ALL.filter((s) => !s.includes('action')), 'set action ""accept"']),
    );
    expectError(malformed, lineOf(malformed, 'set action ""'), /policy 8: malformed action/);
  });
});
