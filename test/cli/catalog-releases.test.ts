import { describe, expect, it } from 'vitest';
import { runCli } from './cli-io.js';

// The catalog's release `date` is when the rules were transcribed, not when the release came out.
describe('catalog releases labels the transcription date for what it is', () => {
  it('table: a "RULES TRANSCRIBED" column and a footnote, no DATE column', async () => {
    const r = await runCli('catalog', 'releases');
    expect(r.status).toBe(0);
    const [head, first] = r.stdout.split('\n');
    expect(head).toMatch(/^RELEASE\s+EDITION\s+RULES TRANSCRIBED$/);
    expect(first).toMatch(/^2\.0\.33\s+2\.0\.x\s+\d{4}-\d{2}-\d{2}$/);
    expect(r.stdout).not.toMatch(/\bDATE\b/);
    expect(r.stdout).toContain('not the day the release or the article was published');
  });

  it('CSV: the same column name', async () => {
    const r = await runCli('catalog', 'releases', '--output', 'csv');
    expect(r.stdout.split('\r\n')[0]).toBe('RELEASE,EDITION,RULES TRANSCRIBED');
  });

  it('JSON: "transcribed", never "date"', async () => {
    const r = await runCli('catalog', 'releases', '--json');
    const out = JSON.parse(r.stdout);
    expect(out.releases[0]).toEqual({ version: '2.0.33', edition: '2.0.x', transcribed: expect.any(String) });
    expect(r.stdout).not.toContain('"date"');
  });
});
