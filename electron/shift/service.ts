// ShiftService: cashier sign-in, open / cash in-out / X report / close (blind count, variance
// approval, reconciliation), Z report kept as closed, and the day report (日结).
//
// Errors that the renderer must show are PosError (invalid_payload with issues, conflict,
// pin_required, not_found); the dispatcher turns them into data. Every change is one journal
// transaction with its audit-log entry; a report is checked to add up before it is returned.
//
// The parts live beside it and ShiftService delegates with the same API: rules and views
// (rules.ts, re-exported), cashiers and sign-in (cashiers.ts), the background confirmer
// (confirmer.ts), the count and the close (close.ts), the day report (day.ts).
import { checkAmountFen, formatYuan, isFen, type Fen } from '../../shared/money.js';
import { PosError } from '../../shared/ipc/errors.js';
import type { CountReview, FullShiftReport, ShiftReport, ShiftView } from '../../shared/ipc/contract.js';
import type { GatewayClient } from '../gateway/client.js';
import type { EventBus } from '../app/bus.js';
import { isoOf, localDateOf, type Journal } from '../journal/journal.js';
import type { ReconcilePagesDeps } from './reconcile.js';
import { ShiftConfirmer } from './confirmer.js';
import { CashierDesk } from './cashiers.js';
import { ShiftCloser } from './close.js';
import { DayReporter } from './day.js';
import { blindReport, liveReport, ReportInvariantError } from './report.js';
import { ShiftStore, type CashierRole, type ShiftRow } from './store.js';
import { shiftReportSchema } from '../printer/documents.js';

export * from './rules.js';
import { CONFIRM_INTERVAL_MS, invalid, type CashierView, type CloseInput, type DayReportOptions, type RevealOptions, type SessionView } from './rules.js';

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
  private readonly confirmer: ShiftConfirmer;
  private readonly closer: ShiftCloser;
  private readonly day: DayReporter;

  constructor(private readonly o: ShiftServiceOptions) {
    this.journal = o.journal;
    this.store = new ShiftStore(o.journal.db);
    this.terminalId = o.terminalId ?? o.journal.terminalId;
    this.now = o.now ?? Date.now;
    this.log = o.log ?? (() => undefined);
    this.gateway = o.gateway;
    this.merchantNo = o.merchantNo;
    this.desk = new CashierDesk({ store: this.store, journal: this.journal, terminalId: this.terminalId, checkManagerPin: (p) => o.checkManagerPin(p), now: this.now, at: () => this.at(), tx: (fn) => this.tx(fn) });
    const gateway = () => ({ client: this.gateway, merchantNo: this.merchantNo });
    this.confirmer = new ShiftConfirmer({
      store: this.store,
      journal: this.journal,
      gateway,
      currentShiftId: () => this.currentShiftId(),
      closing: () => this.closer.isClosing(),
      at: () => this.at(),
      log: this.log,
      reconcileTimeoutMs: o.reconcileTimeoutMs,
      onGatewayPaid: o.onGatewayPaid,
    });
    const pages: ReconcilePagesDeps = {
      store: this.store,
      journal: this.journal,
      gateway,
      at: () => this.at(),
      concurrency: o.reconcileConcurrency,
      timeoutMs: o.reconcileTimeoutMs,
      onGatewayPaid: o.onGatewayPaid,
    };
    this.closer = new ShiftCloser({
      store: this.store,
      journal: this.journal,
      requireSession: () => this.requireSession(),
      requireOpen: () => this.requireOpen(),
      checkManagerPin: (p) => o.checkManagerPin(p),
      varianceThresholdFen: o.varianceThresholdFen,
      confirmerIdle: () => this.confirmer.idle(),
      pages,
      at: () => this.at(),
      tx: (fn) => this.tx(fn),
      log: this.log,
      bus: o.bus,
      monotonicNow: o.monotonicNow,
      afterClose: o.afterClose,
    });
    this.day = new DayReporter({ store: this.store, journal: this.journal, checkManagerPin: (p) => o.checkManagerPin(p), reveal: (opts, date) => this.reveal(opts, date), pages, at: () => this.at(), tx: (fn) => this.tx(fn) });
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
    return this.closer.isClosing();
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
        const x = liveReport(this.store, s, 'X', null, null);
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
    return this.shown(liveReport(this.store, s, 'X', null, null), full);
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
      return this.shown(liveReport(this.store, s, 'X', null, null), full);
    }
    // A PIN given for a closed shift is still checked: a wrong one is an error, never ignored.
    if (opts.managerPin !== undefined) this.o.checkManagerPin(opts.managerPin);
    const parsed = shiftReportSchema.safeParse(JSON.parse(s.report!));
    if (!parsed.success) throw new ReportInvariantError(`shift ${shiftId}: the stored Z report is damaged: ${parsed.error.issues[0]!.message}`);
    return parsed.data;
  }

  // ---------------------------------------------------------------- close (electron/shift/close.ts)
  /**
   * The blind count, committed: only now is the expected amount told, with the variance and the
   * orders that keep the shift open (ShiftCloser.reviewCount). Nothing is closed.
   */
  reviewCount(input: { countedFen: Fen; denominations?: Record<string, number> }): CountReview {
    return this.closer.reviewCount(input);
  }

  /**
   * Closes the open shift with its latest recorded count (shift.count): variance check, every
   * order final, reconciliation with the gateway, then the Z report frozen with the shift in one
   * transaction (ShiftCloser.close).
   */
  close(input: CloseInput, opts: { onProgress?: (done: number, total: number) => void } = {}): Promise<FullShiftReport> {
    return this.closer.close(input, opts);
  }

  // ---------------------------------------------------------------- 日结 (electron/shift/day.ts)
  /**
   * 日结: the day's report over every shift opened that day and the day's sales outside any shift.
   * reconcile: 'none' — no gateway queries (reconciliation null); 'reuse' (default) — take each
   * closed shift's reconciliation and query only the rest; 'all' — query every gateway order again.
   */
  async dayReport(date: string, opts: DayReportOptions & { managerPin: string }): Promise<FullShiftReport>;
  async dayReport(date: string, opts?: DayReportOptions & RevealOptions): Promise<ShiftReport>;
  async dayReport(date: string, opts: DayReportOptions & RevealOptions = {}): Promise<ShiftReport> {
    return this.day.report(date, opts);
  }
}
