// What the UI sends the payment engine (engine.ts), and the checks that turn a bad value into a
// typed invalid_payload error before anything is journaled.
import { checkAmountFen, type Fen } from '../../shared/money.js';
import { PosError } from '../../shared/ipc/errors.js';
import type { AttemptRow, SaleAdjust, SaleLine } from '../journal/journal.js';

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
