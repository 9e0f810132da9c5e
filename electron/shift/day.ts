// 日结: the day's report over every shift opened that day and the day's sales outside any shift,
// with its reconciliation against the gateway (reused from the closed shifts, or asked again).
// ShiftService.dayReport delegates here.
import { sumFen } from '../../shared/money.js';
import type { ReconcileDiff, ShiftReport } from '../../shared/ipc/contract.js';
import type { Journal } from '../journal/journal.js';
import { reconcilePages, type ReconcilePagesDeps } from './reconcile.js';
import { blindReport, buildReport } from './report.js';
import { invalid, type DayReportOptions, type RevealOptions } from './rules.js';
import type { ReconcileAsk, Scope, ShiftStore } from './store.js';

export interface DayReporterDeps {
  store: ShiftStore;
  journal: Journal;
  checkManagerPin: (pin: string | undefined) => void;
  /** Whether a report with an open shift may be shown full: the manager PIN, checked and audited. */
  reveal: (opts: RevealOptions, subject: string) => boolean;
  /** The gateway queries of the reconciliation (reconcile.ts). */
  pages: ReconcilePagesDeps;
  at: () => string;
  tx: <T>(fn: () => T) => T;
}

export class DayReporter {
  constructor(private readonly d: DayReporterDeps) {}

  /**
   * 日结: the day's report over every shift opened that day and the day's sales outside any shift.
   * reconcile: 'none' — no gateway queries (reconciliation null); 'reuse' (default) — take each
   * closed shift's reconciliation and query only the rest; 'all' — query every gateway order again.
   */
  async report(date: string, opts: DayReportOptions & RevealOptions = {}): Promise<ShiftReport> {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(Date.parse(`${date}T00:00:00Z`))) throw invalid('date', 'must be a date yyyy-MM-dd');
    const mode = opts.reconcile ?? 'reuse';
    const shifts = this.d.store.shiftsOfDate(date);
    // A day with a shift still open holds that shift's drawer: blind like its X report, unless the
    // manager PIN is given. The PIN is checked before any gateway work; a wrong one is an error.
    let full = true;
    if (shifts.some((s) => s.closedAt === null)) full = this.d.reveal(opts, date);
    else if (opts.managerPin !== undefined) this.d.checkManagerPin(opts.managerPin);
    const scope: Scope = { kind: 'day', date };
    let reconciliation: { diffs: ReconcileDiff[]; checked: number; confirmed: number } | null = null;
    if (mode !== 'none') {
      const maxAttemptId = this.d.store.maxAttemptId();
      const diffs: ReconcileDiff[] = [];
      let checked = 0;
      let confirmed = 0;
      const reused = new Set<number>();
      if (mode === 'reuse') {
        for (const s of shifts) {
          const rec = s.closedAt !== null ? this.d.store.latestShiftReconciliation(s.id) : null;
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
      const counts = this.d.store.reconcileCounts(scope, 0, maxAttemptId, skip, ask);
      const r = await reconcilePages(this.d.pages, scope, 0, maxAttemptId, skip, (done) => opts.onProgress?.(done, Math.max(done, counts.toAsk)), ask);
      diffs.push(...r.diffs);
      checked += r.checked;
      confirmed += counts.confirmed;
      reconciliation = { diffs, checked, confirmed };
      const at = this.d.at();
      this.d.tx(() => {
        const id = this.d.store.insertReconciliation({ scope: 'day', shiftId: null, businessDate: date, at, maxAttemptId, checked, confirmed, matches: diffs.length === 0, diffs: JSON.stringify(diffs) });
        this.d.journal.audit.append({ at, kind: 'day.reconciled', subject: `day:${date}`, data: { reconciliationId: id, mode, checked, confirmed, diffs: diffs.length } });
      });
    }
    const allClosed = shifts.length > 0 && shifts.every((s) => s.closedAt !== null);
    const [y, m, d] = date.split('-').map(Number) as [number, number, number];
    const from = shifts[0]?.openedAt ?? new Date(y, m - 1, d).toISOString();
    const to = allClosed ? shifts.map((s) => s.closedAt!).sort().at(-1)! : null;
    const report = buildReport(this.d.store, {
      title: 'DAY',
      scope,
      shifts,
      from,
      to,
      cashierId: null,
      countedFen: allClosed ? sumFen(shifts.map((s) => s.countedFen!)) : null,
      reconciliation,
    });
    return full ? report : blindReport(report);
  }
}
