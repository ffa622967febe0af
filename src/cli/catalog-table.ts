import { flowLabel, type Flow } from '../model/flow.js';
import { csvCell } from '../report/escape.js';

/** Columns padded to their widest cell, two spaces apart. */
export function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return (
    rows
      .map((r) =>
        r
          .map((cell, c) => cell.padEnd(widths[c]!))
          .join('  ')
          .trimEnd(),
      )
      .join('\n') + '\n'
  );
}

/** RFC 4180 rows, every cell defused against spreadsheet formulas. */
export function csv(rows: string[][]): string {
  return rows.map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

/** Where a flow goes, as the catalog tables say it: relay addresses, any address, or host:port/protocol. */
export function destination(f: Flow): string {
  return f.relays ? f.relays.text.join(' ') : f.host === '*' ? 'any internet address' : flowLabel(f);
}
