// CI size of the seeded fault simulation: a few hundred checkouts of every scenario, transport
// faults, late landings, outages and SIGKILLed tills. The seed is printed first; a failure names
// it, and FAULT_SEED=<seed> replays the same plan and faults.
import { describe, expect, it } from 'vitest';
import { report, runSimulation } from './sim.js';

const seed = process.env['FAULT_SEED'] ? Number(process.env['FAULT_SEED']) : Math.floor(Math.random() * 2 ** 31);

describe('fault simulation', () => {
  it(`keeps every invariant against the sandbox ledger (seed ${seed})`, { timeout: 180_000 }, async () => {
    console.log(`fault simulation seed ${seed} (replay: FAULT_SEED=${seed})`);
    const r = await runSimulation({ seed, checkouts: Number(process.env['FAULT_CHECKOUTS'] ?? 300), tills: 3, killsPerTill: 4, limitMs: 150_000, outages: 2 });
    console.log(report(r));
    expect(r.errors, report(r)).toEqual([]);
    for (const row of r.rows) expect(row.failures, `${row.name}: ${row.example} — seed ${seed}`).toBe(0);
    expect(r.kills).toBeGreaterThan(0);
  });
});
