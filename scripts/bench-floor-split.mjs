// The FortiGate floor: what any reader of a line-based text export must at least do. Reads the file in
// 1 MiB chunks, decodes UTF-8 as it goes, splits into lines (a line may cross chunks) and counts them.
import { Buffer } from 'node:buffer';
import { closeSync, openSync, readSync } from 'node:fs';
import { TextDecoder } from 'node:util';

const fd = openSync(process.argv[2], 'r');
const buffer = Buffer.allocUnsafe(1 << 20);
const decoder = new TextDecoder('utf-8');
let carry = '';
let lines = 0;
for (;;) {
  const n = readSync(fd, buffer, 0, buffer.length, null);
  const text = carry + decoder.decode(buffer.subarray(0, n), { stream: n > 0 });
  const parts = text.split('\n');
  carry = parts.pop() ?? '';
  lines += parts.length;
  if (n === 0) break;
}
closeSync(fd);
if (carry) lines++;
process.stdout.write(`${lines}\n`);
