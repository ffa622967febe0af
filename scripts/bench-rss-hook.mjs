// Loaded with `node --import` where GNU time is missing: writes the process's peak RSS (KiB, as
// `/usr/bin/time -f %M` would) to BENCH_RSS_FILE when it exits.
import { writeFileSync } from 'node:fs';

process.on('exit', () => {
  writeFileSync(process.env.BENCH_RSS_FILE, `${process.resourceUsage().maxRSS}\n`);
});
