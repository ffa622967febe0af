// The generic reader's floors: a bare `js-yaml` load of the YAML file, or JSON.parse of the same policy
// written as JSON, each after reading the file as text. Prints the in-process time as JSON.
import { performance } from 'node:perf_hooks';
import { readFileSync } from 'node:fs';
import yaml from 'js-yaml';

const [how, path] = process.argv.slice(2);
const t0 = performance.now();
const text = readFileSync(path, 'utf8');
const doc = how === 'json' ? JSON.parse(text) : yaml.load(text);
const readMs = performance.now() - t0;
process.stdout.write(JSON.stringify({ rules: doc.rules.length, readMs }));
