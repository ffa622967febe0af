// The reader alone in a fresh process (detect + read, no evaluation): prints the rule count and the read
// time as JSON, so a bench part can set the reading time beside a vendor tool's own parse.
import { detectFormat, readPolicies } from '../src/formats/registry.js';
import { readInputFile } from '../src/input/input-file.js';

const t0 = performance.now();
const file = readInputFile(process.argv[2]!, 1024 * 1024 * 1024);
const policies = await readPolicies([{ file, format: detectFormat(file) }]);
const readMs = performance.now() - t0;
process.stdout.write(JSON.stringify({ rules: policies.reduce((n, p) => n + p.rules.length, 0), readMs }));
