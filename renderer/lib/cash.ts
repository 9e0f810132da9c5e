// Quick tender buttons for cash: the exact amount, then the amount rounded up to the banknotes a
// customer usually hands over (10, 50, 100 yuan), without repeats.
import type { Fen } from '../../shared/money';

/** Banknote steps in fen: 10, 50 and 100 yuan. */
export const TENDER_STEPS_FEN: readonly Fen[] = [1_000, 5_000, 10_000];
export const MAX_QUICK_TENDERS = 4;

export function quickTenders(totalFen: Fen): Fen[] {
  if (totalFen <= 0) return [];
  const out: Fen[] = [totalFen];
  for (const step of TENDER_STEPS_FEN) {
    const up = Math.ceil(totalFen / step) * step;
    if (!out.includes(up)) out.push(up);
  }
  // A round amount is its own quick tender; offer the next note up too.
  if (out.length < MAX_QUICK_TENDERS) {
    const next = (Math.floor(totalFen / 10_000) + 1) * 10_000;
    if (!out.includes(next)) out.push(next);
  }
  return out.slice(0, MAX_QUICK_TENDERS);
}
