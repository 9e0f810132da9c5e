// What the UI sends the payment engine (engine.ts), and the checks that turn a bad value into a
// typed invalid_payload error before anything is journaled.
import { checkAmountFen, type Fen } from '../../shared/money.js';
import { PosError } from '../../shared/ipc/errors.js';
import { JournalConflictError, type AttemptRow, type SaleAdjust, type SaleLine } from '../journal/journal.js';
import type { IpcIssue } from '../../shared/ipc/errors.js';

export interface StartInput {
  amountFen: Fen;
  note?: string;
  lines?: SaleLine[];
  /** Goods sales: order discount and 抹零 (the journal checks that the lines add up with them). */
  adjust?: SaleAdjust | null;
  /** Retry a sale whose earlier attempts took no money (a new attempt, a new out_trade_no). */
  saleId?: number;
}

const MAX_NOTE_CHARS = 200;

export function invalid(path: string, message: string): PosError {
  return new PosError('invalid_payload', `${path}: ${message}`, { issues: [{ path, message }] });
}

/** A whole number of fen ≥ 1 (shared/money.ts), or the UI's error for the field amountFen. */
function checkAmount(amountFen: Fen): void {
  const p = checkAmountFen(amountFen, 'amountFen');
  if (p) throw invalid('amountFen', p.replace(/^amountFen: /, ''));
}

/** The amount and the note of a new sale. */
export function checkSaleInput(input: StartInput): void {
  checkAmount(input.amountFen);
  if (input.note !== undefined && (typeof input.note !== 'string' || input.note.length > MAX_NOTE_CHARS)) throw invalid('note', `must be at most ${MAX_NOTE_CHARS} characters`);
}

/** The fen a refund of the paid order `a` takes back: amountFen, or when absent all still refundable. */
export function refundAmountOf(a: AttemptRow, refundableFen: Fen, amountFen: Fen | undefined): Fen {
  if (amountFen !== undefined) checkAmount(amountFen);
  const fen = amountFen ?? refundableFen;
  if (fen < 1) throw new PosError('conflict', `${a.outTradeNo}: nothing left to refund`);
  if (fen > refundableFen) throw invalid('amountFen', `must be at most the ${refundableFen} fen still refundable`);
  if (a.channel === 'unionpay' && fen !== a.amountFen) {
    throw invalid('amountFen', 'UnionPay orders are refunded whole (the gateway has no partial UnionPay refund)');
  }
  return fen;
}

/**
 * The journal's refusal in the UI's terms: a bad amount, tender, line or sale is invalid_payload
 * on its field; any other conflict (a sale already paid…) is a conflict. Anything else is a bug
 * and passes through.
 */
export function posErrorOf(e: unknown): Error {
  if (e instanceof JournalConflictError) {
    const m = /^(\w+): (.*)$/.exec(e.message);
    return m && ['amountFen', 'tenderedFen', 'lines', 'saleId'].includes(m[1]!)
      ? new PosError('invalid_payload', e.message, { issues: [{ path: m[1]!, message: m[2]! } satisfies IpcIssue] })
      : new PosError('conflict', e.message);
  }
  return e as Error;
}
