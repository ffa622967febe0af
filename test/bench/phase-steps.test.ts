import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runPhase } from '../../scripts/bench-phase-steps.js';
import { readFortigateFile } from '../../src/formats/fortigate/read-file.js';
import { READ_PATHS } from '../../src/formats/fortigate/read-keys.js';
import { readInputFile } from '../../src/input/input-file.js';

// The bench's `phases` part times these steps apart; here each is checked to do its step's work on a real
// fixture, so that the figures stay figures of the reader (and the part doesn't rot as the readers change).
const FORTIGATE = 'fixtures/fortigate/hq-backup-7.2.conf';
const PANOS = 'fixtures/panos/fw-branch-vsys1.xml';

describe('bench phase steps', () => {
  it('decode yields every character of the file', async () => {
    expect(await runPhase('decode', FORTIGATE)).toBe(readFileSync(FORTIGATE, 'utf8').length);
  });

  it('the FortiGate tokens are the lines and every word of each statement', async () => {
    const text = readFileSync(FORTIGATE, 'utf8');
    const lines = text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
    // At least the statements' words that can't be missing: two for config, edit, set and unset (the
    // verb and what it names), one for next and end.
    const least = text
      .split('\n')
      .map((l) => /^\s*(config|edit|set|unset|next|end)\b/.exec(l)?.[1])
      .reduce((n, verb) => n + (verb === undefined ? 0 : verb === 'next' || verb === 'end' ? 1 : 2), 0);
    const count = await runPhase('fortigate-tokens', FORTIGATE);
    expect(least).toBeGreaterThan(100);
    expect(count).toBeGreaterThanOrEqual(lines + least);
    expect(count).toBeLessThan(lines + text.length / 2);
  });

  it('the FortiGate config tree holds the top-level tables the reader keeps', async () => {
    const text = readFileSync(FORTIGATE, 'utf8');
    const tops = new Set(
      text
        .split('\n')
        .filter((l) => l.startsWith('config '))
        .map((l) => l.slice('config '.length).trim()),
    );
    const kept = [...tops].filter((path) => READ_PATHS.has(path));
    expect(kept.length).toBeGreaterThan(5);
    expect(await runPhase('fortigate-tree', FORTIGATE)).toBe(kept.length);
  });

  it('the PAN-OS element tree is read', async () => {
    expect(await runPhase('panos-tree', PANOS)).toBe(1);
  });

  it('the whole read counts the rules the reader makes', async () => {
    const rules = readFortigateFile(readInputFile(FORTIGATE)).reduce((n, p) => n + p.rules.length, 0);
    expect(rules).toBeGreaterThan(0);
    expect(await runPhase('read', FORTIGATE)).toBe(rules);
  });
});
