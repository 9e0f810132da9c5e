// The shift close: the blind count (reviewed and recorded on the shift row), the checks a close
// stands on (the latest count, the variance and the manager, every order final), the
// reconciliation with the gateway in rounds (progress paced on the bus), and the one transaction
// that freezes the Z report with the shift. ShiftService delegates reviewCount and close here.
import { formatYuan, isFen, type Fen } from '../../shared/money.js';
import { PosError } from '../../shared/ipc/errors.js';
import type { CountReview, FullShiftReport, ReconcileDiff, ShiftReport } from '../../shared/ipc/contract.js';
import type { EventBus } from '../app/bus.js';
import type { Journal } from '../journal/journal.js';
import { reconcilePages, type ReconcilePagesDeps } from './reconcile.js';
import { assertReport, liveReport } from './report.js';
import { DENOMINATIONS_FEN, DEFAULT_VARIANCE_THRESHOLD_FEN, MAX_CLOSE_RECONCILE_ROUNDS, MAX_DENOMINATION_COUNT, MAX_REASON_CHARS, RECONCILE_PROGRESS_MS, invalid, parseDenominations, sameDenominations, type CloseInput, type SessionView } from './rules.js';
import type { Scope, ShiftRow, ShiftStore } from './store.js';

export interface ShiftCloserDeps {
  store: ShiftStore;
  journal: Journal;
  requireSession: () => SessionView;
  /** The open shift at this till (PosError conflict when none). */
  requireOpen: () => ShiftRow;
  checkManagerPin: (pin: string | undefined) => void;
  /** Read at each count and close, so a settings change applies at once. */
  varianceThresholdFen?: () => Fen;
  /** Resolves when the background confirmer has no page in flight. */
  confirmerIdle: () => Promise<void>;
  /** The gateway queries of the reconciliation (reconcile.ts). */
  pages: ReconcilePagesDeps;
  at: () => string;
  tx: <T>(fn: () => T) => T;
  log: (line: string) => void;
  /** Where shift.reconcileProgress goes (the app's EventBus); none: not sent. */
  bus?: Pick<EventBus, 'emit'>;
  /** A monotonic clock in ms for the RECONCILE_PROGRESS_MS pacing (default performance.now). */
  monotonicNow?: () => number;
  /** After a close committed: awaited by nobody, errors logged. */
  afterClose?: (z: FullShiftReport) => Promise<unknown> | unknown;
}

export class ShiftCloser {
  private closing = false;

  constructor(private readonly d: ShiftCloserDeps) {}

  /** A close is running (the confirmer stays away; no new count is taken). */
  isClosing(): boolean {
    return this.closing;
  }

  /**
   * The blind count, committed: the cashier has counted the drawer and says how much is in it;
   * only now is the expected amount told, with the variance and the orders that keep the shift
   * open. The count is recorded on the shift row and audited (once per distinct count): the FIRST
   * count stays, with how many there were, so a count changed after the expected amount was seen
   * shows on the Z report and its variance still needs the manager. Nothing is closed.
   */
  reviewCount(input: { countedFen: Fen; denominations?: Record<string, number> }): CountReview {
    const who = this.d.requireSession();
    this.checkCount(input);
    // The close in progress stands on the latest count: no new one until it is done.
    if (this.closing) throw new PosError('conflict', 'the shift is being closed: wait for the close to finish');
    const s = this.d.requireOpen();
    const x = liveReport(this.d.store, s, 'X', null, null);
    const threshold = this.d.varianceThresholdFen?.() ?? DEFAULT_VARIANCE_THRESHOLD_FEN;
    const varianceFen = input.countedFen - x.cash.expectedFen;
    const row = this.recordCount(who, s.id, input, x.cash.expectedFen);
    const firstVarianceFen = row.firstCountedFen! - row.firstExpectedFen!;
    return {
      shiftId: s.id, countedFen: input.countedFen, expectedFen: x.cash.expectedFen, varianceFen, thresholdFen: threshold,
      needsApproval: Math.abs(varianceFen) > threshold || Math.abs(firstVarianceFen) > threshold,
      counts: row.counts, firstCountedFen: row.firstCountedFen!, firstVarianceFen, openOrders: x.openOrders,
    };
  }

  /**
   * Records a blind count on the shift row (the first one is kept; the latest replaces the one
   * before) and audits it. The same count against the same drawer told again (a review after
   * "query now") is not a new count. Returns the row as it is now.
   */
  private recordCount(who: SessionView, shiftId: number, input: { countedFen: Fen; denominations?: Record<string, number> }, expectedFen: Fen): ShiftRow {
    const at = this.d.at();
    return this.d.tx(() => {
      const s = this.d.store.shift(shiftId);
      if (!s || s.closedAt !== null) throw new PosError('conflict', 'no shift is open at this till: open one first');
      const same = s.counts > 0 && s.lastCountedFen === input.countedFen && s.lastExpectedFen === expectedFen && sameDenominations(parseDenominations(s.lastDenominations), input.denominations);
      if (same) return s;
      const denominations = input.denominations === undefined ? null : JSON.stringify(input.denominations);
      this.d.store.recordCount({ id: shiftId, countedFen: input.countedFen, expectedFen, denominations });
      this.d.journal.audit.append({
        at, kind: 'shift.counted', subject: `shift:${shiftId}`,
        data: { cashierId: who.cashierId, countedFen: input.countedFen, denominations: input.denominations ?? null, expectedFen, varianceFen: input.countedFen - expectedFen, count: s.counts + 1 },
      });
      return this.d.store.shift(shiftId)!;
    });
  }

  /**
   * A close stands on the latest count recorded by shift.count, and only on it: a countedFen
   * never submitted would skip the record (and the first count) and get the variance told in
   * the refusal. The refusal names no amount — neither the one sent nor the one recorded.
   */
  private requireLatestCount(s: ShiftRow, input: CloseInput): void {
    const refuse = (why: string) => new PosError('conflict', `countedFen: ${why}: count again`, { issues: [{ path: 'countedFen', message: why }] });
    if (s.counts === 0 || s.lastCountedFen === null) throw refuse(`no count is recorded for shift ${s.id} (shift.count)`);
    if (input.countedFen !== s.lastCountedFen) throw refuse(`not the latest count recorded for shift ${s.id} (shift.count)`);
    if (input.denominations !== undefined && !sameDenominations(input.denominations, parseDenominations(s.lastDenominations))) {
      throw refuse(`the denominations are not those of the latest count recorded for shift ${s.id} (shift.count)`);
    }
  }

  /** Checks the count against the denominations, if given. */
  private checkCount(input: { countedFen: Fen; denominations?: Record<string, number> }): string | null {
    if (!isFen(input.countedFen) || input.countedFen < 0) throw invalid('countedFen', 'must be a whole number of fen, 0 or more');
    if (input.denominations === undefined) return null;
    let total = 0;
    for (const [key, count] of Object.entries(input.denominations)) {
      const value = DENOMINATIONS_FEN[key];
      if (value === undefined) throw invalid(`denominations.${key}`, `not a denomination; use one of ${Object.keys(DENOMINATIONS_FEN).join(', ')}`);
      if (!Number.isInteger(count) || count < 0 || count > MAX_DENOMINATION_COUNT) throw invalid(`denominations.${key}`, `must be a count 0–${MAX_DENOMINATION_COUNT}`);
      total += value * count;
    }
    if (total !== input.countedFen) {
      throw invalid('denominations', `add up to ${formatYuan(total)} yuan but countedFen is ${formatYuan(input.countedFen)} yuan`);
    }
    return JSON.stringify(input.denominations);
  }

  /**
   * Closes the open shift with its latest recorded count (shift.count): variance check (the first
   * count's too), every order final, reconciliation with the gateway, then — in one transaction —
   * the Z report frozen with the shift. Throws PosError for anything the cashier must fix (open
   * orders are listed in the message and in xReport()).
   */
  async close(input: CloseInput, opts: { onProgress?: (done: number, total: number) => void } = {}): Promise<FullShiftReport> {
    const who = this.d.requireSession();
    this.checkCount(input);
    if (this.closing) throw new PosError('conflict', 'the shift is already being closed');
    const shift = this.d.requireOpen();
    // The count is on record (shift.count) before anything here tells a figure.
    this.requireLatestCount(shift, input);
    const before = liveReport(this.d.store, shift, 'X', null, null);
    if (before.openOrders.length > 0) throw this.openOrdersError(shift.id, before);
    if (before.cash.expectedFen !== shift.lastExpectedFen) {
      // A cash sale, refund or cash move since the count: it no longer counts this drawer. No figure in the words.
      throw new PosError('conflict', 'the drawer changed since the count (a cash sale, refund or cash in/out): count again');
    }
    const threshold = this.d.varianceThresholdFen?.() ?? DEFAULT_VARIANCE_THRESHOLD_FEN;
    const varianceFen = input.countedFen - before.cash.expectedFen;
    const firstVarianceFen = shift.firstCountedFen! - shift.firstExpectedFen!;
    // A recount that matches does not undo the first count: the cashier saw the expected amount
    // in between. Either one over the threshold needs the manager.
    const overNow = Math.abs(varianceFen) > threshold;
    const needsApproval = overNow || Math.abs(firstVarianceFen) > threshold;
    let reason: string | null = null;
    if (needsApproval) {
      const what = overNow
        ? `a variance of ${formatYuan(varianceFen)} yuan (over ${formatYuan(threshold)})`
        : `a variance of ${formatYuan(firstVarianceFen)} yuan on the first count (over ${formatYuan(threshold)})`;
      reason = (input.varianceReason ?? '').trim();
      if (reason === '') throw invalid('varianceReason', `${what} needs a reason`);
      if (reason.length > MAX_REASON_CHARS) throw invalid('varianceReason', `must be at most ${MAX_REASON_CHARS} characters`);
      if (input.managerPin === undefined || input.managerPin === '') {
        throw new PosError('pin_required', `managerPin: ${what} needs the manager PIN`);
      }
      this.d.checkManagerPin(input.managerPin);
    } else if (input.varianceReason) reason = input.varianceReason.trim().slice(0, MAX_REASON_CHARS) || null;

    this.closing = true;
    try {
      await this.d.confirmerIdle(); // a confirmer page in flight finishes first (no order asked twice at once)
      const scope: Scope = { kind: 'shift', shiftId: shift.id };
      // Reconcile what the gateway has not confirmed yet, page by page; then pick up orders that
      // arrived meanwhile (ids above the round's snapshot), a bounded number of rounds.
      const result = { checked: 0, diffs: [] as ReconcileDiff[], unchecked: 0, matchedHere: 0 };
      let maxAttemptId = 0;
      // Progress over every round: `total` grows when a round picks up sales that arrived meanwhile.
      const progress = this.progressPacer(shift.id);
      let queried = 0;
      let total = 0;
      for (let round = 1; ; round++) {
        const from = maxAttemptId;
        const upto = this.d.store.maxAttemptId();
        const { toAsk } = this.d.store.reconcileCounts(scope, from, upto);
        maxAttemptId = upto;
        if (toAsk === 0) break;
        if (round > MAX_CLOSE_RECONCILE_ROUNDS) throw new PosError('conflict', 'sales keep arriving on this shift while it closes: stop selling, then close again');
        total += toAsk;
        progress.report(queried, total);
        const base = queried;
        const r = await reconcilePages(this.d.pages, scope, from, upto, [], (done) => {
          queried = base + done;
          progress.report(queried, total);
          opts.onProgress?.(queried, total);
        });
        queried = base + r.asked;
        // A round can find fewer than it counted (a callback confirmed some meanwhile): the total follows.
        total = queried;
        result.checked += r.checked;
        result.unchecked += r.unchecked;
        result.matchedHere += r.confirmedNow;
        result.diffs.push(...r.diffs);
      }
      progress.end(queried, total);
      const at = this.d.at();
      const report = this.d.tx(() => {
        const s = this.d.store.shift(shift.id)!;
        if (s.closedAt !== null) throw new PosError('conflict', `shift ${shift.id} is already closed`);
        if (s.counts !== shift.counts) throw new PosError('conflict', 'a new count was recorded while the shift was closing: close again');
        if (this.d.store.reconcileCounts(scope, maxAttemptId, Number.MAX_SAFE_INTEGER).toAsk > 0) {
          throw new PosError('conflict', 'a sale arrived while the shift was closing: close again');
        }
        // Orders the gateway had confirmed (callback, final query, this close's own matches) were not asked again.
        const confirmed = this.d.store.reconcileCounts(scope, 0, maxAttemptId).confirmed - result.matchedHere;
        const live = liveReport(this.d.store, s, 'Z', input.countedFen, { diffs: result.diffs, checked: result.checked, confirmed }, at);
        if (live.openOrders.length > 0) throw this.openOrdersError(s.id, live);
        // The owner sees how the count went: the first count and how many there were.
        const z: FullShiftReport = { ...live, cash: { ...live.cash, counts: s.counts, firstCountedFen: s.firstCountedFen!, firstVarianceFen } };
        if (z.cash.expectedFen !== before.cash.expectedFen) {
          // No figure in the words: the cashier counts again, blind.
          throw new PosError('conflict', 'cash moved in or out of the drawer while the shift was closing: count again');
        }
        assertReport(z);
        const reconId = this.d.store.insertReconciliation({
          scope: 'shift', shiftId: s.id, businessDate: null, at, maxAttemptId, checked: result.checked, confirmed, matches: result.diffs.length === 0, diffs: JSON.stringify(result.diffs),
        });
        const closed = this.d.store.closeShift({
          id: s.id,
          closedAt: at,
          closedBy: who.cashierId,
          expectedFen: z.cash.expectedFen,
          countedFen: input.countedFen,
          varianceFen: z.cash.varianceFen!,
          // As recorded with the count (the close may leave them out).
          denominations: s.lastDenominations,
          varianceReason: reason,
          managerApproved: needsApproval,
          report: JSON.stringify(z),
        });
        if (!closed) throw new PosError('conflict', `shift ${s.id} is already closed`);
        this.d.journal.audit.append({
          at,
          kind: 'shift.closed',
          subject: `shift:${s.id}`,
          data: {
            closedBy: who.cashierId, expectedFen: z.cash.expectedFen, countedFen: input.countedFen, varianceFen: z.cash.varianceFen,
            managerApproved: needsApproval, varianceReason: reason, totalNetFen: z.totalNetFen, reconciliationId: reconId,
            counts: s.counts, firstCountedFen: s.firstCountedFen, firstVarianceFen,
            reconciled: { checked: result.checked, confirmed, diffs: result.diffs.length },
          },
        });
        return z;
      });
      this.d.log(`shift ${shift.id} closed by ${who.cashierId}: net ${formatYuan(report.totalNetFen)}, variance ${formatYuan(report.cash.varianceFen!)}, ${report.reconciliation!.matches ? 'matches the gateway' : `${report.reconciliation!.diffs.length} differences`}`);
      this.runAfterClose(report);
      return report;
    } finally {
      this.closing = false;
    }
  }

  /** The afterClose hook, after the commit: it never delays nor fails the close. */
  private runAfterClose(z: FullShiftReport): void {
    const hook = this.d.afterClose;
    if (!hook) return;
    void Promise.resolve()
      .then(() => hook(z))
      .catch((err: unknown) => this.d.log(`shift ${z.shiftIds.join(',')}: after-close hook failed: ${(err as Error).message}`));
  }

  /**
   * shift.reconcileProgress of one close on the bus: the first report at once, then at most one
   * per RECONCILE_PROGRESS_MS, and the end always. A window that fails to hear it must not fail
   * the close, so a throwing listener is logged and ignored.
   */
  private progressPacer(shiftId: number): { report(checked: number, total: number): void; end(checked: number, total: number): void } {
    const clock = this.d.monotonicNow ?? (() => performance.now());
    let lastMs = -Infinity;
    const send = (checked: number, total: number) => {
      try {
        this.d.bus?.emit('shift.reconcileProgress', { shiftId, checked, total });
      } catch (err) {
        this.d.log(`shift ${shiftId}: reconcile progress not sent: ${err instanceof Error ? err.message : String(err)}`);
      }
    };
    return {
      report: (checked, total) => {
        const t = clock();
        if (t - lastMs < RECONCILE_PROGRESS_MS) return;
        lastMs = t;
        send(checked, total);
      },
      end: send,
    };
  }

  private openOrdersError(shiftId: number, r: ShiftReport): PosError {
    const list = r.openOrders.slice(0, 10).map((o) => `${o.outTradeNo} (${o.state})`).join(', ');
    const more = r.openOrders.length > 10 ? ` and ${r.openOrders.length - 10} more` : '';
    return new PosError('conflict', `shift ${shiftId} cannot close: ${r.openOrders.length} order(s) not final: ${list}${more}. Settle them (query now) first.`);
  }
}
