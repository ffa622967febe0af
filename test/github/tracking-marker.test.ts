import { describe, expect, it } from 'vitest';
import {
  hasTrackingMarker,
  STAMP_PREFIX,
  trackingContent,
  trackingIssueMarker,
} from '../../src/github/tracking-marker.js';

describe('the tracking issue body', () => {
  const marker = trackingIssueMarker('0123456789abcdef');
  const body = (stamp: string) =>
    `${marker}\n### ⛔ 2 flow(s) fail\n\n| a |\n\n${STAMP_PREFIX}${stamp}</sub>\n`;

  it('compares without the stamp line, whatever the line ends', () => {
    expect(trackingContent(body('run 1 on 2026-01-05.'))).toBe(trackingContent(body('run 9 on 2026-03-02.')));
    expect(trackingContent(body('run 1.').replace(/\n/g, '\r\n'))).toBe(trackingContent(body('run 2.')));
    expect(trackingContent(body('x').replace('| a |', '| b |'))).not.toBe(trackingContent(body('x')));
  });

  it('keeps a stamp-like line that is not the last one', () => {
    const moved = `${marker}\n${STAMP_PREFIX}run 1</sub>\nmore\n`;
    expect(trackingContent(moved)).toBe(moved.trimEnd());
  });

  it('knows the marker on the first line only, for its own key', () => {
    expect(hasTrackingMarker(body('x'), '0123456789abcdef')).toBe(true);
    expect(hasTrackingMarker(`${marker}\r\nx`, '0123456789abcdef')).toBe(true);
    expect(hasTrackingMarker(body('x'), 'fedcba9876543210')).toBe(false);
    expect(hasTrackingMarker(`> ${marker}`, '0123456789abcdef')).toBe(false);
    expect(hasTrackingMarker(`quoted:\n${marker}`, '0123456789abcdef')).toBe(false);
    expect(hasTrackingMarker(null, '0123456789abcdef')).toBe(false);
  });
});
