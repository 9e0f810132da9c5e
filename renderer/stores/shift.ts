// 交班/日结: who is working (cashiers, sign-in), the open shift (float, cash in/out, X report), the
// close with a BLIND count (the expected drawer amount is fetched only after the count is
// committed, by shift.count), the Z report with its reconciliation, and the day report (日结).
// Main keeps the FIRST count of a close and how many there were: a recount after seeing the
// expected amount is on record (review shows it, the Z report too), and the first count's variance
// over the threshold still needs the manager. While main reconciles, shift.reconcileProgress tells
// how many gateway orders are checked ("已核对 120 / 300 笔").
// The X report (and a 日结 with a shift still open) comes BLIND from main — the drawer's figures
// null — unless the manager types the PIN; that PIN is kept only while that report is on screen,
// so its print / export are full too, and forgotten with it.
//
// Money is integer fen: typed yuan goes through parseYuan, denominations are summed as integers.
// Every call answers data (IpcResult); actions return the IpcError (or a local issue) for the
// screen to show next to the field, or null when done.
import { defineStore } from 'pinia';
import { computed, reactive, ref } from 'vue';
import { invoke, onEvent } from '../api';
import type { CashierView, ExportResult, OrderRow, ShiftReport, ShiftView } from '../../shared/ipc/contract';
import type { IpcError } from '../../shared/ipc/errors';
import { isFen, MAX_AMOUNT_FEN, parseYuan, type Fen } from '../../shared/money';
import { isFinalAttemptState } from '../../shared/payment';
import { todayIso } from '../lib/labels';

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
/** The main side's default, used until the settings answer (settings.varianceThresholdFen). */
export const DEFAULT_VARIANCE_THRESHOLD_FEN = 1_000;
/** Rules the main side checks too; checked here first so the field says what is wrong at once. */
export const CASHIER_ID_RULE = /^[A-Za-z0-9_]{1,32}$/;
import { PIN_RULE } from '../../shared/pin';

export { PIN_RULE };
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

export type ShiftPhase = 'loading' | 'unavailable' | 'firstRun' | 'signIn' | 'openShift' | 'working';
export type CloseStep = 'idle' | 'count' | 'review' | 'closing';
export type CountMode = 'total' | 'denominations';
/** Which report is on screen, and how to print / export that same report again. */
export type ReportTarget = { kind: 'shift'; shiftId: number } | { kind: 'day'; date: string };

/** A cash move just made (the screen confirms it in words). */
export interface CashMoveDone {
  direction: 'in' | 'out';
  amountFen: Fen;
  reason: string;
}

export interface Session {
  cashierId: string;
  name: string;
}

/** A problem the screen shows next to a field: the field's key and the message (already in words). */
export type FieldIssues = Record<string, string>;

export const useShiftStore = defineStore('shift', () => {
  const loaded = ref(false);
  const loadError = ref<IpcError | null>(null);
  const cashiers = ref<CashierView[]>([]);
  const session = ref<Session | null>(null);
  const current = ref<ShiftView | null>(null);
  const thresholdFen = ref<Fen>(DEFAULT_VARIANCE_THRESHOLD_FEN);
  /** The cashier picked on the sign-in screen (kept when a PIN is wrong). */
  const pickedCashierId = ref<string | null>(null);

  const phase = computed<ShiftPhase>(() => {
    if (!loaded.value) return 'loading';
    if (loadError.value) return 'unavailable';
    if (!session.value) return cashiers.value.length === 0 ? 'firstRun' : 'signIn';
    return current.value ? 'working' : 'openShift';
  });
  const signedInName = computed(() => session.value?.name ?? null);
  /** A cashier's name for the screen ("小王"), or the id when the till does not know it. */
  function cashierName(id: string): string {
    return cashiers.value.find((c) => c.id === id)?.name ?? id;
  }

  /** Loads who is signed in, the open shift and the cashiers. */
  async function refresh(): Promise<void> {
    const [s, c, list] = await Promise.all([invoke('shift.session', {}), invoke('shift.current', {}), invoke('shift.cashiers', {})]);
    const failed = [s, c, list].find((r) => !r.ok);
    if (failed && !failed.ok) {
      loadError.value = failed.error;
    } else {
      loadError.value = null;
      if (s.ok) session.value = s.value;
      if (c.ok) current.value = c.value;
      if (list.ok) cashiers.value = list.value;
      if (!pickedCashierId.value || !cashiers.value.some((x) => x.id === pickedCashierId.value)) {
        pickedCashierId.value = cashiers.value.length === 1 ? cashiers.value[0]!.id : null;
      }
    }
    loaded.value = true;
  }

  /** The threshold above which a variance needs the manager PIN (read at each close). */
  async function loadThreshold(): Promise<void> {
    const r = await invoke('settings.get', {});
    if (r.ok && isFen(r.value.values.varianceThresholdFen)) thresholdFen.value = r.value.values.varianceThresholdFen;
  }

  // ------------------------------------------------------------ cashiers
  async function signIn(cashierId: string, pin: string): Promise<IpcError | null> {
    const r = await invoke('shift.signIn', { cashierId, pin });
    if (!r.ok) {
      // A lock is per cashier: show it on the list.
      if (/locked/i.test(r.error.message)) void refresh();
      return r.error;
    }
    session.value = r.value;
    clearReport();
    await refresh();
    return null;
  }

  async function signOut(): Promise<IpcError | null> {
    const r = await invoke('shift.signOut', {});
    if (!r.ok) return r.error;
    session.value = null;
    resetClose();
    clearReport();
    // A 日结 the manager opened leaves with the cashier who was signed in.
    if (dayPin.value) {
      dayReport.value = null;
      dayReportDate.value = null;
      dayPin.value = null;
    }
    await refresh();
    return null;
  }

  async function addCashier(input: { id: string; name: string; role: 'cashier' | 'manager'; pin: string; managerPin: string }): Promise<IpcError | null> {
    const r = await invoke('shift.addCashier', input);
    if (!r.ok) return r.error;
    await refresh();
    pickedCashierId.value = r.value.id;
    return null;
  }

  // ------------------------------------------------------------ the open shift
  async function openShift(floatFen: Fen): Promise<IpcError | null> {
    const r = await invoke('shift.open', { floatFen });
    if (!r.ok) {
      void refresh();
      return r.error;
    }
    current.value = r.value;
    clearReport();
    return null;
  }

  async function cashMove(direction: 'in' | 'out', amountFen: Fen, reason: string): Promise<IpcError | null> {
    const r = await invoke('shift.cashMove', { direction, amountFen, reason: reason.trim() });
    if (!r.ok) return r.error;
    current.value = r.value;
    // An X report on screen is a snapshot: it no longer holds after cash moved (the manager's
    // stays the manager's).
    if (report.value?.title === 'X') void loadXReport(reportPin.value ?? undefined);
    return null;
  }

  // ------------------------------------------------------------ reports
  const report = ref<ShiftReport | null>(null);
  const reportTarget = ref<ReportTarget | null>(null);
  const reportError = ref<IpcError | null>(null);
  const reportLoading = ref(false);
  /** The Z report just closed (the screen offers to open the next shift). */
  const justClosed = ref(false);
  const printing = ref(false);
  const printDone = ref<number | null>(null);
  const exporting = ref<'csv' | 'pdf' | null>(null);
  const exported = ref<ExportResult | null>(null);
  const actionError = ref<{ action: 'print' | 'csv' | 'pdf'; error: IpcError } | null>(null);
  /** The manager PIN that opened the full X report on screen (null: the cashier's blind one). */
  const reportPin = ref<string | null>(null);

  function clearReport(): void {
    report.value = null;
    reportTarget.value = null;
    reportError.value = null;
    reportPin.value = null;
    justClosed.value = false;
    clearActionResults();
  }

  function clearActionResults(): void {
    printDone.value = null;
    exported.value = null;
    actionError.value = null;
  }

  function showReport(r: ShiftReport, target: ReportTarget): void {
    report.value = r;
    reportTarget.value = target;
    reportError.value = null;
    clearActionResults();
  }

  /**
   * The X report of the open shift: blind (the cashier's) without a PIN; full with the manager
   * PIN. A wrong PIN is returned (the blind report on screen stays); other errors show above it.
   */
  async function loadXReport(managerPin?: string): Promise<IpcError | null> {
    const shift = current.value;
    if (!shift) return null;
    reportLoading.value = true;
    const r = await invoke('shift.xReport', managerPin === undefined ? {} : { managerPin });
    reportLoading.value = false;
    if (!r.ok) {
      if (r.error.code === 'pin_required' && managerPin !== undefined) return r.error;
      reportError.value = r.error;
      return r.error;
    }
    justClosed.value = false;
    showReport(r.value, { kind: 'shift', shiftId: shift.shiftId });
    reportPin.value = r.value.blind ? null : (managerPin ?? null);
    return null;
  }

  // 日结
  const dayDate = ref(todayIso());
  const dayReport = ref<ShiftReport | null>(null);
  /** The date the day report on screen is for (the date field may have changed since). */
  const dayReportDate = ref<string | null>(null);
  const dayError = ref<IpcError | null>(null);
  const dayLoading = ref(false);
  /** The manager PIN that opened the full 日结 on screen (a day with a shift still open). */
  const dayPin = ref<string | null>(null);

  /** 日结; with a shift of that day still open it is blind unless the manager PIN is given. */
  async function loadDayReport(date = dayDate.value, managerPin?: string): Promise<IpcError | null> {
    dayDate.value = date;
    dayLoading.value = managerPin === undefined;
    if (managerPin === undefined) dayError.value = null;
    const r = await invoke('shift.dayReport', managerPin === undefined ? { date } : { date, managerPin });
    dayLoading.value = false;
    clearActionResults();
    if (!r.ok) {
      // A wrong PIN leaves the blind report on screen; the PIN field says what is wrong.
      if (r.error.code === 'pin_required' && managerPin !== undefined) return r.error;
      dayReport.value = null;
      dayPin.value = null;
      dayError.value = r.error;
      return r.error;
    }
    dayReport.value = r.value;
    dayReportDate.value = date;
    dayPin.value = r.value.blind ? null : (managerPin ?? null);
    return null;
  }

  /** Opens the full report of the blind one on screen with the manager PIN. */
  async function unlockReport(target: ReportTarget, managerPin: string): Promise<IpcError | null> {
    return target.kind === 'day' ? loadDayReport(target.date, managerPin) : loadXReport(managerPin);
  }

  /** The manager is done: the full report leaves the screen, and its PIN with it. */
  function lockReport(target: ReportTarget): void {
    if (target.kind === 'day') {
      dayReport.value = null;
      dayReportDate.value = null;
      dayPin.value = null;
      clearActionResults();
    } else clearReport();
  }

  /** What print / export ask main for: the report on screen, full only if the manager opened it. */
  function targetPayload(target: ReportTarget): { shiftId?: number; date?: string; managerPin?: string } {
    const pin = target.kind === 'day' ? dayPin.value : reportTarget.value?.kind === 'shift' && reportTarget.value.shiftId === target.shiftId ? reportPin.value : null;
    const base = target.kind === 'day' ? { date: target.date } : { shiftId: target.shiftId };
    return pin ? { ...base, managerPin: pin } : base;
  }

  async function print(target: ReportTarget): Promise<IpcError | null> {
    printing.value = true;
    clearActionResults();
    const r = await invoke('printer.printReport', targetPayload(target));
    printing.value = false;
    if (!r.ok) {
      actionError.value = { action: 'print', error: r.error };
      return r.error;
    }
    printDone.value = r.value.jobId;
    return null;
  }

  async function exportReport(target: ReportTarget, format: 'csv' | 'pdf'): Promise<IpcError | null> {
    exporting.value = format;
    clearActionResults();
    const r = await invoke('shift.export', { ...targetPayload(target), format });
    exporting.value = null;
    if (!r.ok) {
      actionError.value = { action: format, error: r.error };
      return r.error;
    }
    exported.value = r.value;
    return null;
  }

  // ------------------------------------------------------------ the close (blind count)
  const close = reactive({
    step: 'idle' as CloseStep,
    mode: 'total' as CountMode,
    /** The total typed in yuan (mode 'total'). */
    totalText: '',
    /** Pieces per denomination as typed (mode 'denominations'). */
    counts: Object.fromEntries(DENOMINATIONS.map((d) => [d.key, ''])) as Record<string, string>,
    /** The count committed by the cashier; null until then. */
    countedFen: null as Fen | null,
    /** The denominations committed with the count (sent with the close), or null. */
    committedCounts: null as Record<string, number> | null,
    /** What the drawer should hold: fetched only AFTER the count is committed (blind count). */
    expectedFen: null as Fen | null,
    openOrders: [] as OrderRow[],
    reviewLoading: false,
    needsApproval: false,
    reason: '',
    managerPin: '',
    issues: {} as FieldIssues,
    error: null as IpcError | null,
    /** Orders being queried from the close screen, and what the last query said. */
    querying: {} as Record<string, boolean>,
    queried: {} as Record<string, string>,
    startedAtMs: 0,
    /** Counts main has recorded for this close (0: not known yet), the first one and its variance. */
    timesCounted: 0,
    firstCountedFen: null as Fen | null,
    firstVarianceFen: null as Fen | null,
    /** Gateway orders checked of the total while main reconciles (shift.reconcileProgress); null: none told yet. */
    progress: null as { checked: number; total: number } | null,
  });

  /** The count as typed so far (null: not a valid amount yet). Never compared with anything before commit. */
  const countDraftFen = computed<Fen | null>(() => {
    if (close.mode === 'total') return parseMoneyInput(close.totalText, { allowZero: true });
    const d = denominationTotal(close.counts);
    return d.bad.length ? null : d.totalFen;
  });
  const badDenominations = computed(() => (close.mode === 'denominations' ? denominationTotal(close.counts).bad : []));
  const varianceFen = computed<Fen | null>(() => (close.countedFen !== null && close.expectedFen !== null ? close.countedFen - close.expectedFen : null));
  /** The first count's variance was over the threshold: a recount does not undo it. */
  const firstCountOver = computed(() => close.timesCounted > 1 && close.firstVarianceFen !== null && Math.abs(close.firstVarianceFen) > thresholdFen.value);
  /** Whether the close needs the manager PIN and a reason (the main side decides again at close). */
  const approvalNeeded = computed(() => close.needsApproval || (varianceFen.value !== null && Math.abs(varianceFen.value) > thresholdFen.value) || firstCountOver.value);

  function resetClose(): void {
    close.step = 'idle';
    close.mode = 'total';
    close.totalText = '';
    for (const d of DENOMINATIONS) close.counts[d.key] = '';
    close.countedFen = null;
    close.committedCounts = null;
    close.expectedFen = null;
    close.openOrders = [];
    close.reviewLoading = false;
    close.needsApproval = false;
    close.reason = '';
    close.managerPin = '';
    close.issues = {};
    close.error = null;
    close.querying = {};
    close.queried = {};
    close.timesCounted = 0;
    close.firstCountedFen = null;
    close.firstVarianceFen = null;
    close.progress = null;
  }

  /** Starts the close at the count. Any report on screen goes away (a manager's full X would show the expected cash). */
  function startClose(): void {
    resetClose();
    clearReport();
    close.step = 'count';
    void loadThreshold();
  }

  function cancelClose(): void {
    resetClose();
  }

  function setCountMode(mode: CountMode): void {
    close.mode = mode;
    close.issues = {};
  }

  /**
   * Commits the blind count. Returns a field issue key when the count is not valid ('count' or
   * 'denominations'); otherwise asks the main side for the expected amount and the open orders.
   */
  async function confirmCount(): Promise<'count' | 'denominations' | null> {
    close.error = null;
    close.issues = {};
    const fen = countDraftFen.value;
    if (fen === null) {
      const key = close.mode === 'total' ? 'count' : 'denominations';
      close.issues = { [key]: 'invalid' };
      return key;
    }
    close.countedFen = fen;
    close.committedCounts = close.mode === 'denominations' ? denominationTotal(close.counts).counts : null;
    close.step = 'review';
    await review();
    return null;
  }

  /**
   * Commits the count to main (shift.count: audited there) and gets back what the drawer should
   * hold and the orders that are not final yet — the only way to the expected amount, after the count.
   */
  async function review(): Promise<void> {
    if (close.countedFen === null) return;
    close.reviewLoading = true;
    const payload: { countedFen: Fen; denominations?: Record<string, number> } = { countedFen: close.countedFen };
    if (close.committedCounts) payload.denominations = close.committedCounts;
    const r = await invoke('shift.count', payload);
    close.reviewLoading = false;
    if (!r.ok) {
      close.error = r.error;
      if (r.error.code === 'conflict') void refresh();
      return;
    }
    close.expectedFen = r.value.expectedFen;
    // Main's threshold is the one the close is judged by, and its word on the approval (it knows
    // the first count).
    thresholdFen.value = r.value.thresholdFen;
    close.needsApproval = r.value.needsApproval;
    close.timesCounted = r.value.counts;
    close.firstCountedFen = r.value.firstCountedFen;
    close.firstVarianceFen = r.value.firstVarianceFen;
    close.openOrders = r.value.openOrders;
    for (const no of Object.keys(close.queried)) if (!close.openOrders.some((o) => o.outTradeNo === no)) delete close.queried[no];
  }

  /** Back to the count (the cashier counts again). */
  function recount(): void {
    close.step = 'count';
    close.countedFen = null;
    close.committedCounts = null;
    close.issues = {};
    close.error = null;
    close.managerPin = '';
  }

  /** "Query now" for an order that keeps the shift from closing; then the list is fetched again. */
  async function queryOrder(outTradeNo: string): Promise<void> {
    close.querying[outTradeNo] = true;
    const r = await invoke('orders.queryNow', { outTradeNo });
    close.querying[outTradeNo] = false;
    if (r.ok) close.queried[outTradeNo] = r.value.state;
    else close.queried[outTradeNo] = `error:${r.error.message}`;
    await review();
  }

  /** Runs the close. Returns null when the shift closed (the Z report is on screen). */
  async function submitClose(): Promise<IpcError | 'local' | null> {
    if (close.countedFen === null) return 'local';
    close.error = null;
    const issues: FieldIssues = {};
    const needs = approvalNeeded.value;
    const reason = close.reason.trim();
    if (needs) {
      if (reason === '') issues.varianceReason = 'required';
      else if (reason.length > MAX_VARIANCE_REASON_CHARS) issues.varianceReason = 'tooLong';
      if (!PIN_RULE.test(close.managerPin)) issues.managerPin = 'rule';
    }
    close.issues = issues;
    if (Object.keys(issues).length) return 'local';
    if (close.openOrders.some((o) => !isFinalAttemptState(o.state))) return 'local';

    const payload: { countedFen: Fen; denominations?: Record<string, number>; managerPin?: string; varianceReason?: string } = { countedFen: close.countedFen };
    if (close.committedCounts) payload.denominations = close.committedCounts;
    if (needs) payload.managerPin = close.managerPin;
    if (reason) payload.varianceReason = reason;
    close.step = 'closing';
    close.startedAtMs = Date.now();
    close.progress = null;
    const shiftId = current.value?.shiftId ?? null;
    const r = await invoke('shift.close', payload);
    if (r.ok) {
      resetClose();
      current.value = null;
      if (shiftId !== null) showReport(r.value, { kind: 'shift', shiftId });
      justClosed.value = true;
      void refresh();
      return null;
    }
    close.step = 'review';
    close.managerPin = '';
    close.progress = null;
    const e = r.error;
    const m = e.message;
    if (e.code === 'pin_required') {
      close.needsApproval = true;
      close.issues = { managerPin: /locked/i.test(m) ? 'locked' : /needs|required/i.test(m) ? 'needed' : 'wrong' };
    } else if (e.code === 'invalid_payload' && (e.issues ?? []).some((i) => i.path === 'varianceReason')) {
      close.needsApproval = true;
      close.issues = { varianceReason: 'required' };
    } else if (e.code === 'conflict' && /count again/i.test(m)) {
      // Cash moved while closing: the count no longer stands.
      recount();
      close.error = e;
    } else if (e.code === 'conflict' && /no cashier signed in|no shift is open/i.test(m)) {
      close.error = e;
      await refresh();
    } else {
      close.error = e;
    }
    // Whatever it was, show the drawer and the unsettled orders as they are now.
    await review();
    return e;
  }

  // Main querying the gateway orders of the close: how far it is (this till's shift only).
  onEvent('shift.reconcileProgress', (p) => {
    if (close.step !== 'closing' || current.value?.shiftId !== p.shiftId) return;
    // Events come in order; never step back if one is late.
    if (close.progress && p.total === close.progress.total && p.checked < close.progress.checked) return;
    close.progress = { checked: p.checked, total: p.total };
  });

  return {
    loaded, loadError, cashiers, session, current, thresholdFen, pickedCashierId, phase, signedInName, cashierName,
    refresh, loadThreshold, signIn, signOut, addCashier, openShift, cashMove,
    report, reportTarget, reportError, reportLoading, justClosed, printing, printDone, exporting, exported, actionError,
    reportPin, clearReport, loadXReport, unlockReport, lockReport, print, exportReport,
    dayDate, dayReport, dayReportDate, dayError, dayLoading, dayPin, loadDayReport,
    close, countDraftFen, badDenominations, varianceFen, approvalNeeded, firstCountOver,
    startClose, cancelClose, setCountMode, confirmCount, review, recount, queryOrder, submitClose,
  };
});
