// ShiftService: cashier sign-in, open / cash in-out / X report / close (blind count, variance
// approval, reconciliation), Z report kept as closed, and the day report (日结).
//
// Errors that the renderer must show are PosError (invalid_payload with issues, conflict,
// pin_required, not_found); the dispatcher turns them into data. Every change is one journal
// transaction with its audit-log entry; a report is checked to add up before it is returned.
import { checkAmountFen, formatYuan, isFen, sumFen, type Fen } from '../../shared/money.js';
import { PosError } from '../../shared/ipc/errors.js';
import type { CountReview, FullShiftReport, ReconcileDiff, ShiftReport, ShiftView } from '../../shared/ipc/contract.js';
import type { GatewayClient } from '../gateway/client.js';
import type { EventBus } from '../app/bus.js';
import { isoOf, localDateOf, type Journal } from '../journal/journal.js';
import { reconcileOrders } from './reconcile.js';
import { ShiftConfirmer } from './confirmer.js';
import { CashierDesk } from './cashiers.js';
import { assertReport, blindReport, buildReport, ReportInvariantError } from './report.js';
import { RECONCILE_PAGE_ORDERS, ShiftStore, type CashierRole, type ReconcileAsk, type Scope, type ShiftRow } from './store.js';
import { shiftReportSchema } from '../printer/documents.js';

export * from './rules.js';
import { CONFIRM_INTERVAL_MS, DENOMINATIONS_FEN, MAX_CLOSE_RECONCILE_ROUNDS, MAX_DENOMINATION_COUNT, MAX_REASON_CHARS, RECONCILE_PROGRESS_MS, DEFAULT_VARIANCE_THRESHOLD_FEN, invalid, parseDenominations, sameDenominations, type CashierView, type CloseInput, type DayReportOptions, type RevealOptions, type SessionView } from './rules.js';

export interface ShiftServiceOptions {
  journal: Journal;
  /** Defaults to the journal's terminal. */
  terminalId?: string;
  /** The gateway client for trade.query; null: reports say every gateway order is not checked. */
  gateway: GatewayClient | null;
  merchantNo: string;
  /** Throws PosError('pin_required') unless the manager PIN is right (electron/app/manager-pin.ts). */
  checkManagerPin: (pin: string | undefined) => void;
  /** Read at each close, so a settings change applies at once. */
  varianceThresholdFen?: () => Fen;
  now?: () => number;
  log?: (line: string) => void;
  reconcileConcurrency?: number;
  reconcileTimeoutMs?: number;
  /** Where shift.reconcileProgress goes (the app's EventBus); none: not sent. */
  bus?: Pick<EventBus, 'emit'>;
  /** An order paid at the gateway but closed/declined here (see reconcile.ts): the engine refunds it. */
  onGatewayPaid?: (outTradeNo: string, tradeNo: string | null) => Promise<unknown>;
  /** A monotonic clock in ms for the RECONCILE_PROGRESS_MS pacing (default performance.now). */
  monotonicNow?: () => number;
  /** After a close committed (the journal backup, a pending update): awaited by nobody, errors logged. */
  afterClose?: (z: FullShiftReport) => Promise<unknown> | unknown;
}


export class ShiftService {
  readonly store: ShiftStore;
  private readonly journal: Journal;
  private readonly terminalId: string;
  private readonly now: () => number;
  private readonly log: (line: string) => void;
  private gateway: GatewayClient | null;
  private merchantNo: string;
  private readonly desk: CashierDesk;
  private closing = false;
  private readonly confirmer: ShiftConfirmer;

  constructor(private readonly o: ShiftServiceOptions) {
    this.journal = o.journal;
    this.store = new ShiftStore(o.journal.db);
    this.terminalId = o.terminalId ?? o.journal.terminalId;
    this.now = o.now ?? Date.now;
    this.log = o.log ?? (() => undefined);
    this.gateway = o.gateway;
    this.merchantNo = o.merchantNo;
    this.desk = new CashierDesk({ store: this.store, journal: this.journal, terminalId: this.terminalId, checkManagerPin: (p) => o.checkManagerPin(p), now: this.now, at: () => this.at(), tx: (fn) => this.tx(fn) });
    this.confirmer = new ShiftConfirmer({
      store: this.store,
      journal: this.journal,
      gateway: () => ({ client: this.gateway, merchantNo: this.merchantNo }),
      currentShiftId: () => this.currentShiftId(),
      closing: () => this.closing,
      at: () => this.at(),
      log: this.log,
      reconcileTimeoutMs: o.reconcileTimeoutMs,
      onGatewayPaid: o.onGatewayPaid,
    });
  }

  /** Starts the background confirmer (electron/shift/confirmer.ts); stopConfirmer() ends it. */
  startConfirmer(intervalMs = CONFIRM_INTERVAL_MS): void {
    this.confirmer.start(intervalMs);
  }

  async stopConfirmer(): Promise<void> {
    await this.confirmer.stop();
  }

  /** One confirmer page now; the orders it asked. */
  confirmTick(): Promise<number> {
    return this.confirmer.tick();
  }

  /** New gateway settings (or none). */
  setGateway(gateway: GatewayClient | null, merchantNo: string): void {
    this.gateway = gateway;
    this.merchantNo = merchantNo;
  }

  private at(): string {
    return isoOf(this.now());
  }

  private tx<T>(fn: () => T): T {
    return this.journal.db.transaction(fn).immediate();
  }

  // ---------------------------------------------------------------- cashiers (electron/shift/cashiers.ts)
  listCashiers(): CashierView[] {
    return this.desk.listCashiers();
  }

  addCashier(input: { id: string; name: string; role?: CashierRole; pin: string }, managerPin: string | undefined): Promise<CashierView> {
    return this.desk.addCashier(input, managerPin);
  }

  setCashierPin(id: string, pin: string, managerPin: string | undefined): Promise<void> {
    return this.desk.setCashierPin(id, pin, managerPin);
  }

  setCashierActive(id: string, active: boolean, managerPin: string | undefined): void {
    this.desk.setCashierActive(id, active, managerPin);
  }

  signIn(cashierId: string, pin: string): Promise<{ cashierId: string; name: string }> {
    return this.desk.signIn(cashierId, pin);
  }

  signOut(): void {
    this.desk.signOut();
  }

  signedIn(): SessionView | null {
    return this.desk.signedIn();
  }

  private requireSession(): SessionView {
    return this.desk.requireSession();
  }

  // ---------------------------------------------------------------- shifts
  private view(s: ShiftRow): ShiftView {
    return { shiftId: s.id, cashierId: s.cashierId, openedAt: s.openedAt, closedAt: s.closedAt, floatFen: s.floatFen };
  }

  private requireOpen(): ShiftRow {
    const s = this.store.openShift(this.terminalId);
    if (!s) throw new PosError('conflict', 'no shift is open at this till: open one first');
    return s;
  }

  current(): ShiftView | null {
    const s = this.store.openShift(this.terminalId);
    return s ? this.view(s) : null;
  }

  /** The open shift's id, for the checkout to stamp on every attempt and refund (null: none open). */
  currentShiftId(): number | null {
    return this.store.openShift(this.terminalId)?.id ?? null;
  }

  isClosing(): boolean {
    return this.closing;
  }

  open(floatFen: Fen): ShiftView {
    const who = this.requireSession();
    if (!isFen(floatFen) || floatFen < 0) throw invalid('floatFen', 'must be a whole number of fen, 0 or more');
    if (floatFen > 10_000_000_000) throw invalid('floatFen', 'must be at most 100000000 yuan');
    const nowMs = this.now();
    const at = isoOf(nowMs);
    const id = this.tx(() => {
      const open = this.store.openShift(this.terminalId);
      if (open) throw new PosError('conflict', `shift ${open.id} of ${open.cashierId} is still open at this till: close it first`);
      const id = this.store.insertShift({ terminalId: this.terminalId, cashierId: who.cashierId, businessDate: localDateOf(nowMs), openedAt: at, floatFen });
      this.journal.audit.append({ at, kind: 'shift.opened', subject: `shift:${id}`, data: { cashierId: who.cashierId, floatFen, terminalId: this.terminalId } });
      return id;
    });
    this.log(`shift ${id} opened by ${who.cashierId} with float ${formatYuan(floatFen)}`);
    return this.view(this.store.shift(id)!);
  }

  cashMove(direction: 'in' | 'out', amountFen: Fen, reason: string): ShiftView {
    const who = this.requireSession();
    if (direction !== 'in' && direction !== 'out') throw invalid('direction', 'must be in or out');
    const amountProblem = checkAmountFen(amountFen, 'amountFen');
    if (amountProblem) throw invalid('amountFen', amountProblem.replace(/^amountFen: /, ''));
    const text = (reason ?? '').trim();
    if (text.length < 1 || text.length > 100) throw invalid('reason', 'must be 1–100 characters');
    const at = this.at();
    const done = this.tx(() => {
      const s = this.requireOpen();
      if (direction === 'out') {
        // The drawer cannot give out more than it holds. The refusal is audited (committed with
        // this transaction), so probing for the drawer's amount this way leaves a trace.
        const x = this.liveReport(s, 'X', null, null);
        if (amountFen > x.cash.expectedFen) {
          this.journal.audit.append({ at, kind: 'shift.cash_out_refused', subject: `shift:${s.id}`, data: { amountFen, reason: text, cashierId: who.cashierId } });
          return { shift: s, refused: true };
        }
      }
      const id = this.store.insertCashMove({ shiftId: s.id, direction, amountFen, reason: text, cashierId: who.cashierId, at });
      this.journal.audit.append({ at, kind: `shift.cash_${direction}`, subject: `shift:${s.id}`, data: { moveId: id, amountFen, reason: text, cashierId: who.cashierId } });
      return { shift: s, refused: false };
    });
    // The refusal names no figure: "more than the ¥x the drawer holds" would give the expected cash
    // away before the blind count.
    if (done.refused) throw invalid('amountFen', `${formatYuan(amountFen)} yuan is more than the drawer should hold`);
    return this.view(done.shift);
  }

  /**
   * The X report: the open shift so far (no count, no reconciliation). Blind unless the manager
   * PIN is given (RevealOptions); a wrong PIN throws pin_required.
   */
  xReport(opts: { managerPin: string }): FullShiftReport;
  xReport(opts?: RevealOptions): ShiftReport;
  xReport(opts: RevealOptions = {}): ShiftReport {
    const s = this.requireOpen();
    const full = this.reveal(opts, s.id);
    return this.shown(this.liveReport(s, 'X', null, null), full);
  }

  /** Whether a report of an open shift may be shown full: only with the right manager PIN (audited). */
  private reveal(opts: RevealOptions, subject: number | string): boolean {
    if (opts.managerPin === undefined) return false;
    this.o.checkManagerPin(opts.managerPin);
    const at = this.at();
    this.tx(() => this.journal.audit.append({ at, kind: 'shift.report_revealed', subject: typeof subject === 'number' ? `shift:${subject}` : `day:${subject}`, data: { cashierId: this.desk.signedIn()?.cashierId ?? null } }));
    return true;
  }

  private shown(report: FullShiftReport, full: boolean): ShiftReport {
    return full ? report : blindReport(report);
  }

  private liveReport(s: ShiftRow, title: 'X' | 'Z', countedFen: Fen | null, reconciliation: { diffs: ReconcileDiff[]; checked: number; confirmed: number } | null, closedAt: string | null = null): FullShiftReport {
    return buildReport(this.store, { title, scope: { kind: 'shift', shiftId: s.id }, shifts: [s], from: s.openedAt, to: closedAt, cashierId: s.cashierId, countedFen, reconciliation });
  }

  /**
   * A shift's report: the Z report as it was closed (always full: counted already), or the X
   * report while it is open (blind unless the manager PIN is given, as xReport).
   */
  report(shiftId: number, opts: { managerPin: string }): FullShiftReport;
  report(shiftId: number, opts?: RevealOptions): ShiftReport;
  report(shiftId: number, opts: RevealOptions = {}): ShiftReport {
    const s = this.store.shift(shiftId);
    if (!s) throw new PosError('not_found', `shiftId: no shift ${shiftId}`);
    if (s.closedAt === null) {
      const full = this.reveal(opts, s.id);
      return this.shown(this.liveReport(s, 'X', null, null), full);
    }
    // A PIN given for a closed shift is still checked: a wrong one is an error, never ignored.
    if (opts.managerPin !== undefined) this.o.checkManagerPin(opts.managerPin);
    const parsed = shiftReportSchema.safeParse(JSON.parse(s.report!));
    if (!parsed.success) throw new ReportInvariantError(`shift ${shiftId}: the stored Z report is damaged: ${parsed.error.issues[0]!.message}`);
    return parsed.data;
  }

  /**
   * The blind count, committed: the cashier has counted the drawer and says how much is in it;
   * only now is the expected amount told, with the variance and the orders that keep the shift
   * open. The count is recorded on the shift row and audited (once per distinct count): the FIRST
   * count stays, with how many there were, so a count changed after the expected amount was seen
   * shows on the Z report and its variance still needs the manager. Nothing is closed.
   */
  reviewCount(input: { countedFen: Fen; denominations?: Record<string, number> }): CountReview {
    const who = this.requireSession();
    this.checkCount(input);
    // The close in progress stands on the latest count: no new one until it is done.
    if (this.closing) throw new PosError('conflict', 'the shift is being closed: wait for the close to finish');
    const s = this.requireOpen();
    const x = this.liveReport(s, 'X', null, null);
    const threshold = this.o.varianceThresholdFen?.() ?? DEFAULT_VARIANCE_THRESHOLD_FEN;
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
    const at = this.at();
    return this.tx(() => {
      const s = this.store.shift(shiftId);
      if (!s || s.closedAt !== null) throw new PosError('conflict', 'no shift is open at this till: open one first');
      const same = s.counts > 0 && s.lastCountedFen === input.countedFen && s.lastExpectedFen === expectedFen && sameDenominations(parseDenominations(s.lastDenominations), input.denominations);
      if (same) return s;
      const denominations = input.denominations === undefined ? null : JSON.stringify(input.denominations);
      this.store.recordCount({ id: shiftId, countedFen: input.countedFen, expectedFen, denominations });
      this.journal.audit.append({
        at, kind: 'shift.counted', subject: `shift:${shiftId}`,
        data: { cashierId: who.cashierId, countedFen: input.countedFen, denominations: input.denominations ?? null, expectedFen, varianceFen: input.countedFen - expectedFen, count: s.counts + 1 },
      });
      return this.store.shift(shiftId)!;
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
    const who = this.requireSession();
    this.checkCount(input);
    if (this.closing) throw new PosError('conflict', 'the shift is already being closed');
    const shift = this.requireOpen();
    // The count is on record (shift.count) before anything here tells a figure.
    this.requireLatestCount(shift, input);
    const before = this.liveReport(shift, 'X', null, null);
    if (before.openOrders.length > 0) throw this.openOrdersError(shift.id, before);
    if (before.cash.expectedFen !== shift.lastExpectedFen) {
      // A cash sale, refund or cash move since the count: it no longer counts this drawer. No figure in the words.
      throw new PosError('conflict', 'the drawer changed since the count (a cash sale, refund or cash in/out): count again');
    }
    const threshold = this.o.varianceThresholdFen?.() ?? DEFAULT_VARIANCE_THRESHOLD_FEN;
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
      this.o.checkManagerPin(input.managerPin);
    } else if (input.varianceReason) reason = input.varianceReason.trim().slice(0, MAX_REASON_CHARS) || null;

    this.closing = true;
    try {
      await this.confirmer.idle(); // a confirmer page in flight finishes first (no order asked twice at once)
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
        const upto = this.store.maxAttemptId();
        const { toAsk } = this.store.reconcileCounts(scope, from, upto);
        maxAttemptId = upto;
        if (toAsk === 0) break;
        if (round > MAX_CLOSE_RECONCILE_ROUNDS) throw new PosError('conflict', 'sales keep arriving on this shift while it closes: stop selling, then close again');
        total += toAsk;
        progress.report(queried, total);
        const base = queried;
        const r = await this.reconcilePages(scope, from, upto, [], (done) => {
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
      const at = this.at();
      const report = this.tx(() => {
        const s = this.store.shift(shift.id)!;
        if (s.closedAt !== null) throw new PosError('conflict', `shift ${shift.id} is already closed`);
        if (s.counts !== shift.counts) throw new PosError('conflict', 'a new count was recorded while the shift was closing: close again');
        if (this.store.reconcileCounts(scope, maxAttemptId, Number.MAX_SAFE_INTEGER).toAsk > 0) {
          throw new PosError('conflict', 'a sale arrived while the shift was closing: close again');
        }
        // Orders the gateway had confirmed (callback, final query, this close's own matches) were not asked again.
        const confirmed = this.store.reconcileCounts(scope, 0, maxAttemptId).confirmed - result.matchedHere;
        const live = this.liveReport(s, 'Z', input.countedFen, { diffs: result.diffs, checked: result.checked, confirmed }, at);
        if (live.openOrders.length > 0) throw this.openOrdersError(s.id, live);
        // The owner sees how the count went: the first count and how many there were.
        const z: FullShiftReport = { ...live, cash: { ...live.cash, counts: s.counts, firstCountedFen: s.firstCountedFen!, firstVarianceFen } };
        if (z.cash.expectedFen !== before.cash.expectedFen) {
          // No figure in the words: the cashier counts again, blind.
          throw new PosError('conflict', 'cash moved in or out of the drawer while the shift was closing: count again');
        }
        assertReport(z);
        const reconId = this.store.insertReconciliation({
          scope: 'shift', shiftId: s.id, businessDate: null, at, maxAttemptId, checked: result.checked, confirmed, matches: result.diffs.length === 0, diffs: JSON.stringify(result.diffs),
        });
        const closed = this.store.closeShift({
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
        this.journal.audit.append({
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
      this.log(`shift ${shift.id} closed by ${who.cashierId}: net ${formatYuan(report.totalNetFen)}, variance ${formatYuan(report.cash.varianceFen!)}, ${report.reconciliation!.matches ? 'matches the gateway' : `${report.reconciliation!.diffs.length} differences`}`);
      this.runAfterClose(report);
      return report;
    } finally {
      this.closing = false;
    }
  }

  /** The afterClose hook, after the commit: it never delays nor fails the close. */
  private runAfterClose(z: FullShiftReport): void {
    const hook = this.o.afterClose;
    if (!hook) return;
    void Promise.resolve()
      .then(() => hook(z))
      .catch((err: unknown) => this.log(`shift ${z.shiftIds.join(',')}: after-close hook failed: ${(err as Error).message}`));
  }

  /**
   * shift.reconcileProgress of one close on the bus: the first report at once, then at most one
   * per RECONCILE_PROGRESS_MS, and the end always. A window that fails to hear it must not fail
   * the close, so a throwing listener is logged and ignored.
   */
  private progressPacer(shiftId: number): { report(checked: number, total: number): void; end(checked: number, total: number): void } {
    const clock = this.o.monotonicNow ?? (() => performance.now());
    let lastMs = -Infinity;
    const send = (checked: number, total: number) => {
      try {
        this.o.bus?.emit('shift.reconcileProgress', { shiftId, checked, total });
      } catch (err) {
        this.log(`shift ${shiftId}: reconcile progress not sent: ${err instanceof Error ? err.message : String(err)}`);
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

  /**
   * Queries the scope's orders in (afterAttemptId, uptoAttemptId] that the gateway has not
   * confirmed, RECONCILE_PAGE_ORDERS at a time, and records the ones that matched as confirmed
   * (a later 日结 need not ask again). `asked`: orders queried; `confirmedNow`: marked confirmed.
   */
  private async reconcilePages(
    scope: Scope,
    afterAttemptId: number,
    uptoAttemptId: number,
    skipShiftIds: readonly number[],
    onProgress?: (done: number) => void,
    ask: ReconcileAsk = 'unconfirmed',
  ): Promise<{ checked: number; unchecked: number; diffs: ReconcileDiff[]; asked: number; confirmedNow: number }> {
    const out = { checked: 0, unchecked: 0, diffs: [] as ReconcileDiff[], asked: 0, confirmedNow: 0 };
    let cursor = afterAttemptId;
    for (;;) {
      const page = this.store.ordersToReconcile(scope, cursor, uptoAttemptId, RECONCILE_PAGE_ORDERS, skipShiftIds, ask);
      if (page.length === 0) break;
      const base = out.asked;
      const r = await reconcileOrders(this.gateway, page, {
        merchantNo: this.merchantNo,
        concurrency: this.o.reconcileConcurrency,
        timeoutMs: this.o.reconcileTimeoutMs,
        onProgress: (done) => onProgress?.(base + done),
        ...(this.o.onGatewayPaid ? { onGatewayPaid: this.o.onGatewayPaid } : {}),
      });
      out.asked += page.length;
      out.checked += r.checked;
      out.unchecked += r.unchecked;
      out.diffs.push(...r.diffs);
      // Relaxed: a lost confirmation only means one more query next time.
      out.confirmedNow += this.journal.durability.relaxed(() => this.journal.confirmations.confirm(r.matched, 'reconcile', this.at()));
      cursor = page.at(-1)!.attemptId;
      if (page.length < RECONCILE_PAGE_ORDERS) break;
    }
    return out;
  }

  /**
   * 日结: the day's report over every shift opened that day and the day's sales outside any shift.
   * reconcile: 'none' — no gateway queries (reconciliation null); 'reuse' (default) — take each
   * closed shift's reconciliation and query only the rest; 'all' — query every gateway order again.
   */
  async dayReport(date: string, opts: DayReportOptions & { managerPin: string }): Promise<FullShiftReport>;
  async dayReport(date: string, opts?: DayReportOptions & RevealOptions): Promise<ShiftReport>;
  async dayReport(date: string, opts: DayReportOptions & RevealOptions = {}): Promise<ShiftReport> {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(Date.parse(`${date}T00:00:00Z`))) throw invalid('date', 'must be a date yyyy-MM-dd');
    const mode = opts.reconcile ?? 'reuse';
    const shifts = this.store.shiftsOfDate(date);
    // A day with a shift still open holds that shift's drawer: blind like its X report, unless the
    // manager PIN is given. The PIN is checked before any gateway work; a wrong one is an error.
    let full = true;
    if (shifts.some((s) => s.closedAt === null)) full = this.reveal(opts, date);
    else if (opts.managerPin !== undefined) this.o.checkManagerPin(opts.managerPin);
    const scope: Scope = { kind: 'day', date };
    let reconciliation: { diffs: ReconcileDiff[]; checked: number; confirmed: number } | null = null;
    if (mode !== 'none') {
      const maxAttemptId = this.store.maxAttemptId();
      const diffs: ReconcileDiff[] = [];
      let checked = 0;
      let confirmed = 0;
      const reused = new Set<number>();
      if (mode === 'reuse') {
        for (const s of shifts) {
          const rec = s.closedAt !== null ? this.store.latestShiftReconciliation(s.id) : null;
          if (!rec) continue;
          reused.add(s.id);
          diffs.push(...(JSON.parse(rec.diffs) as ReconcileDiff[]));
          checked += rec.checked;
          confirmed += rec.confirmed;
        }
      }
      const skip = [...reused];
      // The rest: what the gateway has not confirmed is asked, what it has is counted, not asked;
      // 'all' asks every gateway order again (a refund made in the back office since shows up).
      const ask: ReconcileAsk = mode === 'all' ? 'all' : 'unconfirmed';
      const counts = this.store.reconcileCounts(scope, 0, maxAttemptId, skip, ask);
      const r = await this.reconcilePages(scope, 0, maxAttemptId, skip, (done) => opts.onProgress?.(done, Math.max(done, counts.toAsk)), ask);
      diffs.push(...r.diffs);
      checked += r.checked;
      confirmed += counts.confirmed;
      reconciliation = { diffs, checked, confirmed };
      const at = this.at();
      this.tx(() => {
        const id = this.store.insertReconciliation({ scope: 'day', shiftId: null, businessDate: date, at, maxAttemptId, checked, confirmed, matches: diffs.length === 0, diffs: JSON.stringify(diffs) });
        this.journal.audit.append({ at, kind: 'day.reconciled', subject: `day:${date}`, data: { reconciliationId: id, mode, checked, confirmed, diffs: diffs.length } });
      });
    }
    const allClosed = shifts.length > 0 && shifts.every((s) => s.closedAt !== null);
    const [y, m, d] = date.split('-').map(Number) as [number, number, number];
    const from = shifts[0]?.openedAt ?? new Date(y, m - 1, d).toISOString();
    const to = allClosed ? shifts.map((s) => s.closedAt!).sort().at(-1)! : null;
    const report = buildReport(this.store, {
      title: 'DAY',
      scope,
      shifts,
      from,
      to,
      cashierId: null,
      countedFen: allClosed ? sumFen(shifts.map((s) => s.countedFen!)) : null,
      reconciliation,
    });
    return this.shown(report, full);
  }
}
