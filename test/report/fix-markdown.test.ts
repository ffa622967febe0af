import { describe, expect, it } from 'vitest';
import { fixMarkdownBlocks } from '../../src/report/fix-markdown.js';
import type { JsonReport } from '../../src/report/json-report.js';

const report = (insert: string, commands: string[] = []) =>
  ({
    remediations: [
      {
        policy: 'fw <b>@team</b>',
        path: 'fw.yaml',
        format: 'generic',
        flows: ['*:3478/udp'],
        rule: 'allow-remotespark-media',
        placement: { end: true },
        edits: [{ path: 'fw.yaml', line: 3, insert }],
        commands,
        verified: true,
      },
    ],
  }) as unknown as JsonReport;

describe('fix blocks in Markdown', () => {
  it('fence config text with a fence longer than any backtick run in it, line by line', () => {
    const [block] = fixMarkdownBlocks(report('- name: "x ``` y"\n  description: a \\x0a b\u0007\n'));
    const fences = block!.filter((l) => /^`{3,}$/.test(l));
    expect(fences).toEqual(['````', '````']);
    expect(block).toContain('- name: "x ``` y"');
    // A literal backslash sequence stays text; a control character is shown, not passed on.
    expect(block).toContain('  description: a \\x0a b\\x07');
  });

  it('escapes the policy name in the summary line', () => {
    const [block] = fixMarkdownBlocks(report('- name: a\n'));
    const summary = block!.find((l) => l.startsWith('<summary>'))!;
    expect(summary).not.toMatch(/<b>|@team/);
  });
});
