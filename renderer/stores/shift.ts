// 交班/日结: who is working (cashiers, sign-in), the open shift (float, cash in/out, X report), the
// close with a BLIND count (shift-close.ts: the expected drawer amount is fetched only after the
// count is committed, by shift.count), the Z report with its reconciliation, and the day report (日结).
// The typed-input rules and parsers are lib/shift-input.ts; both are re-exported from here.
// The X report (and a 日结 with a shift still open) comes BLIND from main — the drawer's figures
// null — unless the manager types the PIN; that PIN is kept only while that report is on screen,
// so its print / export are full too, and forgotten with it.
//
// Money is integer fen. Every call answers data (IpcResult); actions return the IpcError (or a
// local issue) for the screen to show next to the field, or null when done.
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { invoke } from '../api';
import type { CashierView, ExportResult, ShiftReport, ShiftView } from '../../shared/ipc/contract';
import type { IpcError } from '../../shared/ipc/errors';
import { isFen, type Fen } from '../../shared/money';
import { todayIso } from '../lib/labels';
import { useShiftClose } from './shift-close';

export { PIN_RULE } from '../../shared/pin';
export {
  DENOMINATIONS, MAX_DENOMINATION_COUNT, CASHIER_ID_RULE, MAX_NAME_CHARS, MAX_MOVE_REASON_CHARS, MAX_VARIANCE_REASON_CHARS,
  parseCount, denominationTotal, parseMoneyInput, nextCashierId,
} from '../lib/shift-input';
export type { CloseStep, CountMode, FieldIssues } from './shift-close';

/** The main side's default, used until the settings answer (settings.varianceThresholdFen). */
export const DEFAULT_VARIANCE_THRESHOLD_FEN = 1_000;

export type ShiftPhase = 'loading' | 'unavailable' | 'firstRun' | 'signIn' | 'openShift' | 'working';
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

  // ------------------------------------------------------------ the close (blind count): shift-close.ts
  const {
    close, countDraftFen, badDenominations, varianceFen, approvalNeeded, firstCountOver,
    resetClose, startClose, cancelClose, setCountMode, confirmCount, review, recount, queryOrder, submitClose,
  } = useShiftClose({ current, thresholdFen, justClosed, refresh, loadThreshold, clearReport, showReport });

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
