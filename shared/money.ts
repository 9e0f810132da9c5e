// Money inside the app is an integer number of fen (1 yuan = 100 fen). Yuan with two decimals
// exists only at the edges: the gateway wire (JSON numbers) and the screen (strings).
// Every conversion here is exact; anything that is not an exact amount is refused, never rounded.

export type Fen = number;

/** The gateway's own range for an amount: [0.01, 100000000] yuan. */
export const MIN_AMOUNT_FEN: Fen = 1;
export const MAX_AMOUNT_FEN: Fen = 100_000_000 * 100;

export class MoneyError extends Error {
  override name = 'MoneyError';
}

export function isFen(value: unknown): value is Fen {
  return typeof value === 'number' && Number.isSafeInteger(value);
}

export function assertFen(value: unknown, what = 'amount'): Fen {
  if (!isFen(value)) throw new MoneyError(`${what}: must be a whole number of fen, got ${String(value)}`);
  return value;
}

const YUAN_TEXT = /^(-?)(\d{1,12})(?:\.(\d{1,2}))?$/;

/**
 * Parses yuan written as text ("19.99", "0.5", "100") into fen, exactly.
 * Returns null for anything that is not a plain decimal with at most two decimals.
 */
export function parseYuan(text: string): Fen | null {
  const m = YUAN_TEXT.exec(text.trim());
  if (!m) return null;
  const sign = m[1] === '-' ? -1 : 1;
  const whole = Number(m[2]);
  const frac = Number((m[3] ?? '').padEnd(2, '0'));
  const fen = whole * 100 + frac;
  return Number.isSafeInteger(fen) ? sign * fen : null;
}

/**
 * Converts a yuan amount read from the wire (a JSON number or a numeric string) into fen.
 * A JSON number such as 19.99 is a binary float; its shortest decimal text (what JSON.stringify
 * and String() print) is exactly what the sender wrote, so we parse that text, never multiply.
 */
export function wireYuanToFen(value: unknown): Fen | null {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return null;
    return parseYuan(numberToPlainText(value));
  }
  if (typeof value === 'string') return parseYuan(value);
  return null;
}

/** Fen → the JSON number in yuan that goes on the wire: 1999 → 19.99 (prints as "19.99"). */
export function fenToWireYuan(fen: Fen): number {
  assertFen(fen);
  // fen/100 is the double nearest to the decimal value, whose shortest text is that decimal.
  return fen / 100;
}

/** Fen → "19.99" for the screen and reports (always two decimals, no grouping). */
export function formatYuan(fen: Fen): string {
  assertFen(fen);
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** Fen → "¥19.99". */
export function formatMoney(fen: Fen): string {
  const text = formatYuan(fen);
  return text.startsWith('-') ? `-¥${text.slice(1)}` : `¥${text}`;
}

/** The validation message the gateway's range rule gives, or null when the amount is fine. */
export function checkAmountFen(fen: unknown, field = 'total_amount'): string | null {
  if (!isFen(fen)) return `${field}: must be 0.01–100000000 with at most two decimals`;
  if (fen < MIN_AMOUNT_FEN || fen > MAX_AMOUNT_FEN) return `${field}: must be 0.01–100000000 with at most two decimals`;
  return null;
}

function numberToPlainText(n: number): string {
  const text = String(n);
  if (!/e/i.test(text)) return text;
  // Tiny or huge numbers print in exponent form; such a number is never a valid amount
  // with two decimals except when it is whole, which toFixed(2) renders exactly.
  return Number.isInteger(n) ? n.toFixed(0) : text;
}

/** Sums fen amounts, asserting every term and the result stay exact integers. */
export function sumFen(values: readonly Fen[]): Fen {
  let total = 0;
  for (const v of values) total += assertFen(v);
  return assertFen(total, 'sum');
}
