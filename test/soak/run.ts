// npm run soak -- --checkouts 10000 [--seed N] [--tills N] [--kills N]
// The full-size seeded fault simulation; prints the invariant table, exits 1 on any failure
// (with the seed to replay it).
import { parseArgs } from 'node:util';
import { report, runSimulation } from '../integration/fault/sim.js';

const { values } = parseArgs({
  options: {
    checkouts: { type: 'string', default: '10000' },
    seed: { type: 'string' },
    tills: { type: 'string', default: '4' },
    kills: { type: 'string' },
    outages: { type: 'string' },
  },
});
const checkouts = Number(values.checkouts);
const tills = Number(values.tills);
const seed = values.seed !== undefined ? Number(values.seed) : Math.floor(Math.random() * 2 ** 31);
if (!Number.isSafeInteger(checkouts) || checkouts < 1) throw new Error('--checkouts: must be a whole number ≥ 1');
if (!Number.isSafeInteger(tills) || tills < 1 || tills > 16) throw new Error('--tills: must be 1–16');
if (!Number.isSafeInteger(seed)) throw new Error('--seed: must be an integer');
// About one kill per 40 checkouts of a till, and an outage per 1,000 checkouts, unless told.
const killsPerTill = values.kills !== undefined ? Number(values.kills) : Math.max(2, Math.round(checkouts / tills / 40));
const outages = values.outages !== undefined ? Number(values.outages) : Math.max(1, Math.round(checkouts / 1000));

console.log(`soak: seed ${seed}, ${checkouts} checkouts on ${tills} tills, ${killsPerTill} kills per till, ${outages} outage(s)`);
const r = await runSimulation({
  seed,
  checkouts,
  tills,
  killsPerTill,
  outages,
  outageWindowMs: Math.max(6_000, Math.round((checkouts / tills) * 50)),
  // ~70 ms per checkout per till on a loaded 2-core machine, three times over.
  limitMs: Math.max(120_000, Math.ceil((checkouts / tills) * 70 * 3)),
  log: (line) => console.log(`  ${line}`),
});
console.log(report(r));
process.exit(r.ok ? 0 : 1);
