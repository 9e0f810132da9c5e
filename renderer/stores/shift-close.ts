// The close of a shift with a BLIND count, for useShiftStore: the expected drawer amount is fetched
// only after the count is committed (shift.count); main keeps the FIRST count of a close and how
// many there were, so a recount after seeing the expected amount is on record and the first count's
// variance over the threshold still needs the manager. While main reconciles,
// shift.reconcileProgress tells how many gateway orders are checked ("已核对 120 / 300 笔").
import { computed, reactive, type Ref } from 'vue';
import { invoke, onEvent } from '../api';
import type { OrderRow, ShiftReport, ShiftView } from '../../shared/ipc/contract';
import type { IpcError } from '../../shared/ipc/errors';
import type { Fen } from '../../shared/money';
import { isFinalAttemptState } from '../../shared/payment';
import { PIN_RULE } from '../../shared/pin';
import { DENOMINATIONS, MAX_VARIANCE_REASON_CHARS, denominationTotal, parseMoneyInput } from '../lib/shift-input';

export type CloseStep = 'idle' | 'count' | 'review' | 'closing';
export type CountMode = 'total' | 'denominations';
/** A problem the screen shows next to a field: the field's key and the message (already in words). */
export type FieldIssues = Record<string, string>;

export interface ShiftCloseInputs {
  /** The open shift (null once it closed). */
  current: Ref<ShiftView | null>;
  /** The variance above which the close needs the manager; main's answer to the count updates it. */
  thresholdFen: Ref<Fen>;
  /** The Z report just closed (the screen offers to open the next shift). */
  justClosed: Ref<boolean>;
  refresh(): Promise<void>;
  loadThreshold(): Promise<void>;
  clearReport(): void;
  showReport(r: ShiftReport, target: { kind: 'shift'; shiftId: number }): void;
}

export function useShiftClose({ current, thresholdFen, justClosed, refresh, loadThreshold, clearReport, showReport }: ShiftCloseInputs) {
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
    close, countDraftFen, badDenominations, varianceFen, approvalNeeded, firstCountOver,
    resetClose, startClose, cancelClose, setCountMode, confirmCount, review, recount, queryOrder, submitClose,
  };
}
