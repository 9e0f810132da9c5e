// The till's record of the withdrawals it asked the gateway for (table of migration 004).
import type { Journal } from '../journal/journal.js';
import type { Fen } from '../../shared/money.js';
import type { WithdrawalRecord } from '../../shared/ipc/contract.js';

/** How many past withdrawals the merchant screen lists. */
export const MAX_LISTED_WITHDRAWALS = 50;

type State = WithdrawalRecord['state'];
interface Row {
  out_trade_no: string;
  via: 'merchant' | 'unionpay';
  amount_fen: number;
  state: State;
  trade_no: string | null;
  fee_fen: number | null;
  reason: string | null;
  created_at: string;
  updated_at: string;
}

function view(r: Row): WithdrawalRecord {
  return { outTradeNo: r.out_trade_no, via: r.via, amountFen: r.amount_fen, state: r.state, tradeNo: r.trade_no, feeFen: r.fee_fen, reason: r.reason, createdAt: r.created_at, updatedAt: r.updated_at };
}

export class WithdrawalStore {
  constructor(
    private readonly journal: Journal,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Writes the withdrawal (and its audit entry) before the request leaves. */
  record(outTradeNo: string, via: 'merchant' | 'unionpay', amountFen: Fen): WithdrawalRecord {
    const at = this.now().toISOString();
    this.journal.db.transaction(() => {
      this.journal.db.prepare(`INSERT INTO withdrawals (out_trade_no, via, amount_fen, state, created_at, updated_at) VALUES (?, ?, ?, 'requested', ?, ?)`).run(outTradeNo, via, amountFen, at, at);
    })();
    this.journal.note('withdrawal.requested', outTradeNo, { via, amountFen });
    return this.get(outTradeNo)!;
  }

  /** Applies what the gateway said; a state the record has moved past is kept. */
  update(outTradeNo: string, change: { state: State; tradeNo?: string | null; feeFen?: Fen | null; reason?: string | null }): WithdrawalRecord | null {
    const cur = this.get(outTradeNo);
    if (!cur) return null;
    const forward = cur.state === change.state || cur.state === 'requested' || (cur.state === 'processing' && (change.state === 'paid' || change.state === 'failed'));
    this.journal.db
      .prepare(`UPDATE withdrawals SET state = ?, trade_no = COALESCE(?, trade_no), fee_fen = COALESCE(?, fee_fen), reason = COALESCE(?, reason), updated_at = ? WHERE out_trade_no = ?`)
      .run(forward ? change.state : cur.state, change.tradeNo ?? null, change.feeFen ?? null, change.reason ?? null, this.now().toISOString(), outTradeNo);
    if (forward && change.state !== cur.state) this.journal.note(`withdrawal.${change.state}`, outTradeNo, { reason: change.reason ?? null });
    return this.get(outTradeNo);
  }

  get(outTradeNo: string): WithdrawalRecord | null {
    const r = this.journal.db.prepare('SELECT * FROM withdrawals WHERE out_trade_no = ?').get(outTradeNo) as Row | undefined;
    return r ? view(r) : null;
  }

  /** A withdrawal whose answer never came: it must be queried before another is asked for. */
  unanswered(): WithdrawalRecord | null {
    const r = this.journal.db.prepare(`SELECT * FROM withdrawals WHERE state = 'requested' ORDER BY created_at LIMIT 1`).get() as Row | undefined;
    return r ? view(r) : null;
  }

  list(): WithdrawalRecord[] {
    return (this.journal.db.prepare('SELECT * FROM withdrawals ORDER BY created_at DESC, rowid DESC LIMIT ?').all(MAX_LISTED_WITHDRAWALS) as Row[]).map(view);
  }
}
