// Benchmarks print figures and ratios; they never fail a test run. Each test/bench/*.bench.ts
// exports `default async function (): Promise<BenchLine[]>`; run.ts runs them one after another.
export interface BenchLine {
  /** What was measured, e.g. "sandbox signed requests". */
  name: string;
  value: number;
  unit: string;
  /** The goal in words, e.g. "≥ 3000/s" or "≤ 1.10×". */
  goal: string;
  /** Whether the goal was met on this machine in this run. */
  met: boolean;
}

export function percentile(sortedAsc: readonly number[], p: number): number {
  if (sortedAsc.length === 0) return Number.NaN;
  const idx = Math.min(sortedAsc.length - 1, Math.max(0, Math.ceil((p / 100) * sortedAsc.length) - 1));
  return sortedAsc[idx]!;
}

export function formatLine(l: BenchLine): string {
  const v = Number.isInteger(l.value) ? String(l.value) : l.value.toFixed(3);
  return `${l.met ? 'met ' : 'MISS'}  ${l.name.padEnd(58)} ${`${v} ${l.unit}`.padStart(18)}   goal ${l.goal}`;
}
