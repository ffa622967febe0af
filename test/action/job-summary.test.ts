import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeCouldNotRunSummary } from '../../src/action/sinks.js';

describe('the job summary, written without the summary module of @actions/core', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rsfc-summary-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const withSummary = async (path: string, fn: () => Promise<void>) => {
    const before = process.env.GITHUB_STEP_SUMMARY;
    process.env.GITHUB_STEP_SUMMARY = path;
    try {
      await fn();
    } finally {
      if (before === undefined) delete process.env.GITHUB_STEP_SUMMARY;
      else process.env.GITHUB_STEP_SUMMARY = before;
    }
  };

  it('appends to the file as summary.addRaw(text).write() does', async () => {
    const path = join(dir, 'summary.md');
    writeFileSync(path, 'earlier step\n');
    await withSummary(path, () => writeCouldNotRunSummary('## could not run\n'));
    expect(readFileSync(path, 'utf8')).toBe('earlier step\n## could not run\n');
  });

  it("fails with @actions/core's error when the file is missing", async () => {
    const path = join(dir, 'missing', 'summary.md');
    await withSummary(path, () =>
      expect(writeCouldNotRunSummary('x')).rejects.toThrow(
        `Unable to access summary file: '${path}'. Check if the file has correct read/write permissions.`,
      ),
    );
  });
});
