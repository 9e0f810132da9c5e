// Benchmarks print figures and ratios; they never fail a test run. Each test/bench/*.bench.ts
// exports `default async function (): Promise<BenchLine[]>`; run.ts runs them one after another.
// A line is either a goal (met or MISS, never anything softer) or a bare figure that a goal line
// is made of (the denominator of a ratio, say), printed as "fig".
export type BenchLine = GoalLine | FigureLine;

export interface GoalLine {
  /** What was measured, e.g. "sandbox signed requests". */
  name: string;
  value: number;
  unit: string;
  /** The goal in words, e.g. "≥ 3000/s" or "≤ 1.10×". */
  goal: string;
  /** Whether the goal was met on this machine in this run. */
  met: boolean;
}

export interface FigureLine {
  name: string;
  value: number;
  unit: string;
  /** A measurement without a goal of its own (it is part of a goal line). */
  figure: true;
}

export function isGoal(l: BenchLine): l is GoalLine {
  return !('figure' in l);
}

export function percentile(sortedAsc: readonly number[], p: number): number {
  if (sortedAsc.length === 0) return Number.NaN;
  const idx = Math.min(sortedAsc.length - 1, Math.max(0, Math.ceil((p / 100) * sortedAsc.length) - 1));
  return sortedAsc[idx]!;
}

/** Sorted copy. */
export function sorted(xs: readonly number[]): number[] {
  return [...xs].sort((a, b) => a - b);
}

/** Times `fn` `runs` times; the samples in ms, sorted. */
export async function sample(runs: number, fn: () => unknown): Promise<number[]> {
  const xs: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    xs.push(performance.now() - t);
  }
  return sorted(xs);
}

export function formatLine(l: BenchLine): string {
  const v = Number.isInteger(l.value) ? String(l.value) : l.value.toFixed(3);
  const head = isGoal(l) ? (l.met ? 'met ' : 'MISS') : 'fig ';
  return `${head}  ${l.name.padEnd(70)} ${`${v} ${l.unit}`.padStart(16)}${isGoal(l) ? `   goal ${l.goal}` : ''}`;
}
