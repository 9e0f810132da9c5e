// Shift tests: a real journal file in a temp dir, the real manager PIN (default 0000 until set),
// a manual clock, and helpers that put orders into the journal through its own API.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Journal } from '../../../electron/journal/journal.js';
import { ManagerPin } from '../../../electron/app/manager-pin.js';
import { ShiftService, type CloseInput, type ShiftServiceOptions } from '../../../electron/shift/service.js';
import type { Fen } from '../../../shared/money.js';
import type { AttemptState, PayChannel } from '../../../shared/payment.js';

export const MANAGER_PIN = '0000';

export function manualClock(startMs = Date.UTC(2026, 10, 24, 1, 0, 0)) {
  let t = startMs;
  return { now: () => t, advance: (ms: number) => (t += ms), set: (ms: number) => (t = ms) };
}

export function rig(extra: Partial<ShiftServiceOptions> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'pos-shift-'));
  const clock = manualClock();
  const journal = Journal.open({ path: join(dir, 'journal.db'), terminalId: 'T01', journalId: 'shft0001', now: clock.now });
  const pin = new ManagerPin(dir, clock.now);
  const shifts = new ShiftService({
    journal,
    gateway: null,
    merchantNo: 'M1',
    checkManagerPin: (p) => pin.check(p),
    now: clock.now,
    ...extra,
  });
  return {
    dir,
    clock,
    journal,
    pin,
    shifts,
    close() {
      journal.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const METHOD: Record<PayChannel, string> = {
  weixin: 'weixin.scan_qr_code_pay',
  alipay: 'alipay.scan_qr_code_pay',
  qq: 'qq.unified',
  jd: 'jd.pay',
  unionpay: 'unionpay.gateway',
  cash: 'cash',
};

/** One order in the journal, driven to `state` through the journal's own transitions. */
export function order(journal: Journal, o: { channel: PayChannel; amountFen: Fen; state?: AttemptState; shiftId: number | null; tradeNo?: string }): string {
  const state = o.state ?? 'paid';
  if (o.channel === 'cash') {
    if (state !== 'paid') throw new Error('cash orders are paid at once');
    return journal.recordCash({ amountFen: o.amountFen, tenderedFen: o.amountFen, shiftId: o.shiftId }).attempt.outTradeNo;
  }
  const a = journal.createAttempt({ kind: o.channel === 'weixin' || o.channel === 'alipay' ? 'scan' : 'qr', channel: o.channel, method: METHOD[o.channel], amountFen: o.amountFen, shiftId: o.shiftId, settleDueAtMs: 0 });
  const no = a.outTradeNo;
  const tradeNo = o.tradeNo ?? `GW${a.id}`;
  switch (state) {
    case 'created':
      break;
    case 'pending':
      journal.transition(no, 'pending', { source: 'scan', next: { action: 'settle', dueAtMs: 0 } });
      break;
    case 'reversing':
      journal.transition(no, 'reversing', { source: 'cancel', reversalWhy: 'cancel', next: { action: 'reverse', dueAtMs: 0 } });
      break;
    case 'paid':
    case 'declined':
    case 'closed':
      journal.transition(no, state, { source: 'scan', tradeNo });
      break;
    case 'refunded':
      journal.transition(no, 'reversing', { source: 'cancel', reversalWhy: 'cancel', next: { action: 'reverse', dueAtMs: 0 } });
      journal.transition(no, 'refunded', { source: 'reverse', tradeNo });
      break;
  }
  return no;
}

/** A refund of a paid order, driven to `state`. */
export function refund(journal: Journal, outTradeNo: string, amountFen: Fen, shiftId: number | null, state: 'created' | 'processing' | 'succeeded' | 'failed' = 'succeeded'): string {
  const r = journal.createRefund({ outTradeNo, amountFen, shiftId, dueAtMs: 0 });
  if (state === 'processing' || state === 'succeeded' || state === 'failed') {
    if (state === 'processing') journal.refundTransition(r.outRefundNo, 'processing', { source: 'refund', next: { dueAtMs: 0 } });
    else journal.refundTransition(r.outRefundNo, state, { source: 'refund' });
  }
  return r.outRefundNo;
}

/**
 * The close as the screen makes it: the blind count recorded by shift.count first (the only count
 * a close accepts), then the close with that count.
 */
export function countAndClose(shifts: ShiftService, input: CloseInput, opts?: Parameters<ShiftService['close']>[1]): ReturnType<ShiftService['close']> {
  shifts.reviewCount(input.denominations === undefined ? { countedFen: input.countedFen } : { countedFen: input.countedFen, denominations: input.denominations });
  return shifts.close(input, opts);
}
