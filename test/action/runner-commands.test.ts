import * as core from '@actions/core';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import {
  commandText,
  getInput,
  setOutput,
  type AnnotationProperties,
} from '../../src/action/runner-commands.js';

/** What @actions/core writes to stdout for a call. */
function coreWrites(call: () => void): string {
  let out = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((s) => {
    out += String(s);
    return true;
  });
  try {
    call();
  } finally {
    spy.mockRestore();
  }
  return out;
}

const annotationProperties = (p: AnnotationProperties) =>
  Object.keys(p).length === 0
    ? {}
    : {
        title: p.title,
        file: p.file,
        line: p.startLine,
        endLine: p.endLine,
        col: p.startColumn,
        endColumn: p.endColumn,
      };

describe('workflow commands written without @actions/core, as it writes them', () => {
  const messages = ['plain', '', '100% blocked: a, b\r\nnext line: %0A', 'rule "allow:443" (fw/a,b.yaml:3)'];
  const properties: AnnotationProperties[] = [
    {},
    { title: 'RemoteSpark firewall check: 6 flows', file: 'fw/a, b.yaml', startLine: 20 },
    { title: undefined },
    { file: 'x.yaml', startLine: 0, endLine: 4, startColumn: 2, endColumn: 9 },
  ];

  it.each(['error', 'warning', 'notice'] as const)('%s annotations', (level) => {
    for (const message of messages) {
      for (const p of properties) {
        expect(`${commandText(level, annotationProperties(p), message)}\n`).toBe(
          coreWrites(() => core[level](message, p)),
        );
      }
    }
  });

  it('the set-output command, for a run without GITHUB_OUTPUT', () => {
    vi.stubEnv('GITHUB_OUTPUT', '');
    try {
      expect(`\n${commandText('set-output', { name: 'passed' }, 'a:b,c\n')}\n`).toBe(
        coreWrites(() => core.setOutput('passed', 'a:b,c\n')),
      );
    } finally {
      vi.unstubAllEnvs();
    }
  });
});

describe('inputs and outputs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rsfc-commands-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('reads an input as core.getInput does', () => {
    vi.stubEnv('INPUT_GITHUB-TOKEN', '  ghs_x \n');
    vi.stubEnv('INPUT_FAIL_ON', 'new');
    expect(getInput('github-token')).toBe(core.getInput('github-token'));
    expect(getInput('fail on')).toBe(core.getInput('fail on'));
    expect(getInput('missing')).toBe('');
  });

  it('appends an output to GITHUB_OUTPUT as core.setOutput does, with a fresh delimiter each time', () => {
    const mine = join(dir, 'mine');
    const theirs = join(dir, 'theirs');
    writeFileSync(mine, '');
    writeFileSync(theirs, '');
    vi.stubEnv('GITHUB_OUTPUT', mine);
    setOutput('report', '/tmp/report.json');
    setOutput('passed', 'false');
    vi.stubEnv('GITHUB_OUTPUT', theirs);
    core.setOutput('report', '/tmp/report.json');
    core.setOutput('passed', 'false');
    const masked = (p: string) => readFileSync(p, 'utf8').replace(/ghadelimiter_[0-9a-f-]{36}/g, 'D');
    expect(masked(mine)).toBe(masked(theirs));
    const delimiters = readFileSync(mine, 'utf8').match(/ghadelimiter_[0-9a-f-]{36}/g)!;
    expect(new Set(delimiters).size).toBe(2);
  });

  it('fails as core.setOutput does when GITHUB_OUTPUT names no file', () => {
    vi.stubEnv('GITHUB_OUTPUT', join(dir, 'absent'));
    expect(() => setOutput('x', 'y')).toThrow(`Missing file at path: ${join(dir, 'absent')}`);
    expect(() => core.setOutput('x', 'y')).toThrow(`Missing file at path: ${join(dir, 'absent')}`);
  });
});
