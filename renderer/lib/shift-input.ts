// What the shift screens accept as typed (for stores/shift.ts, which re-exports it all): the drawer
// counted by denomination, amounts in yuan, the next staff number, and the limits main checks too.
// Money is integer fen: typed yuan goes through parseYuan, denominations are summed as integers.
import type { CashierView } from '../../shared/ipc/contract';
import { isFen, MAX_AMOUNT_FEN, parseYuan, type Fen } from '../../shared/money';

/** The notes and coins a drawer is counted in (the keys the main side's `denominations` takes). */
export const DENOMINATIONS: readonly { key: string; fen: Fen }[] = [
  { key: '100', fen: 10_000 },
  { key: '50', fen: 5_000 },
  { key: '20', fen: 2_000 },
  { key: '10', fen: 1_000 },
  { key: '5', fen: 500 },
  { key: '1', fen: 100 },
  { key: '0.5', fen: 50 },
  { key: '0.1', fen: 10 },
];
/** Pieces per denomination at most (the main side refuses more: electron/shift/service.ts). */
export const MAX_DENOMINATION_COUNT = 100_000;
/** Rules the main side checks too; checked here first so the field says what is wrong at once. */
export const CASHIER_ID_RULE = /^[A-Za-z0-9_]{1,32}$/;
export const MAX_NAME_CHARS = 32;
export const MAX_MOVE_REASON_CHARS = 100;
export const MAX_VARIANCE_REASON_CHARS = 200;

/** A count typed for one denomination: '' is none; otherwise a whole number 0–MAX. null: not a count. */
export function parseCount(text: string): number | null {
  const s = text.trim();
  if (s === '') return 0;
  if (!/^\d{1,6}$/.test(s)) return null;
  const n = Number(s);
  return n <= MAX_DENOMINATION_COUNT ? n : null;
}

/**
 * The drawer counted by denomination, summed exactly in integer fen. `bad` lists the keys whose
 * text is not a count; `counts` holds the non-zero counts to send (keys as the main side wants).
 */
export function denominationTotal(texts: Readonly<Record<string, string>>): { totalFen: Fen; counts: Record<string, number>; bad: string[] } {
  let totalFen = 0;
  const counts: Record<string, number> = {};
  const bad: string[] = [];
  for (const d of DENOMINATIONS) {
    const n = parseCount(texts[d.key] ?? '');
    if (n === null) {
      bad.push(d.key);
      continue;
    }
    if (n > 0) {
      counts[d.key] = n;
      totalFen += d.fen * n;
    }
  }
  return { totalFen, counts, bad };
}

/** A money amount typed in yuan: fen, or null when it is not 0–100000000 with at most two decimals. */
export function parseMoneyInput(text: string, opts: { allowZero: boolean }): Fen | null {
  const fen = parseYuan(text);
  if (fen === null || !isFen(fen) || fen > MAX_AMOUNT_FEN) return null;
  if (fen < 0 || (!opts.allowZero && fen === 0)) return null;
  return fen;
}

/** The next free staff number "001", "002"… (the cashier id the manager may change). */
export function nextCashierId(cashiers: readonly Pick<CashierView, 'id'>[]): string {
  const taken = new Set(cashiers.map((c) => c.id));
  for (let n = cashiers.length + 1; ; n++) {
    const id = String(n).padStart(3, '0');
    if (!taken.has(id)) return id;
  }
}
