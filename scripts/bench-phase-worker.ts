// One step of a read (scripts/bench-phase-steps.ts), alone in a fresh process, timed from outside like the
// floors: `node bench-out/bench-phase-worker.mjs <phase> <path>` prints the step's count.
import { PHASES, runPhase, type Phase } from './bench-phase-steps.js';

const [phase, path] = process.argv.slice(2);
if (!PHASES.includes(phase as Phase) || !path) {
  throw new Error(`usage: bench-phase-worker <${PHASES.join('|')}> <path>`);
}
process.stdout.write(`${await runPhase(phase as Phase, path)}\n`);
