import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { restoreTest, restoreUnavailable } from './restore-tool.js';

const unavailable = restoreUnavailable();
const dir = 'fixtures/iptables';
const read = (f: string) => ({ path: `${dir}/${f}`, text: readFileSync(`${dir}/${f}`, 'utf8') });

describe(`every iptables fixture loads with iptables-restore --test${unavailable ? ` (SKIPPED: ${unavailable})` : ''}`, () => {
  const sets = readdirSync(dir).filter((f) => f.endsWith('.ipset.save'));
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.rules'))) {
    it.skipIf(unavailable !== undefined)(f, () => {
      const companion = sets.filter((s) => s.startsWith(f.replace(/\.rules$/, '')));
      expect(() => restoreTest([...companion.map(read), read(f)])).not.toThrow();
    });
  }
  it.skipIf(unavailable !== undefined)('refuses a broken save (the check is not a no-op)', () => {
    expect(() =>
      restoreTest([
        {
          path: 'bad',
          text: '*filter\n:FORWARD DROP [0:0]\n-A FORWARD -p tcp --dport 99999 -j ACCEPT\nCOMMIT\n',
        },
      ]),
    ).toThrow();
  });
});
