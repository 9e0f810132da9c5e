// Builds the X / Z / day report (ShiftReport of the IPC contract) from the store's aggregates,
// and checks that it adds up before anyone sees it (the same rules the printer refuses by).
import { sumFen, type Fen } from '../../shared/money.js';
import type { BlindShiftReport, ChannelTotals, FullShiftReport, ReconcileDiff, ShiftReport } from '../../shared/ipc/contract.js';
import { shiftReportSchema } from '../printer/documents.js';
import type { Scope, ShiftRow, ShiftStore } from './store.js';
import { blindGoods, goodsSection } from '../goods/report.js';

export class ReportInvariantError extends Error {
  override name = 'ReportInvariantError';
}

export interface CashFigures {
  floatFen: Fen;
  salesFen: Fen;
  refundsFen: Fen;
  inFen: Fen;
  outFen: Fen;
  expectedFen: Fen;
}

/**
 * The drawer: float + cash taken − cash refunded + cash in − cash out. Cash "sales" are net of
 * reversals (a cash sale is never reversed through the gateway, but if one were marked so, its
 * money is not in the drawer).
 */
export function cashFigures(channels: readonly ChannelTotals[], floatFen: Fen, moves: { inFen: Fen; outFen: Fen }): CashFigures {
  const cash = channels.find((c) => c.channel === 'cash');
  const salesFen = cash ? cash.salesFen - cash.reversalsFen : 0;
  const refundsFen = cash ? cash.refundsFen : 0;
  return { floatFen, salesFen, refundsFen, inFen: moves.inFen, outFen: moves.outFen, expectedFen: floatFen + salesFen - refundsFen + moves.inFen - moves.outFen };
}

export interface BuildInput {
  title: ShiftReport['title'];
  scope: Scope;
  shifts: readonly ShiftRow[];
  from: string;
  to: string | null;
  cashierId: string | null;
  countedFen: Fen | null;
  reconciliation: { diffs: ReconcileDiff[]; checked: number; confirmed?: number } | null;
}

export function buildReport(store: ShiftStore, b: BuildInput): FullShiftReport {
  const channels = store.channelTotals(b.scope);
  const moves = store.cashMoveSums(b.shifts.map((s) => s.id));
  const cash = cashFigures(channels, sumFen(b.shifts.map((s) => s.floatFen)), moves);
  const report: FullShiftReport = {
    title: b.title,
    blind: false,
    shiftIds: b.shifts.map((s) => s.id),
    from: b.from,
    to: b.to,
    cashierId: b.cashierId,
    channels,
    totalNetFen: sumFen(channels.map((c) => c.netFen)),
    cash: { ...cash, countedFen: b.countedFen, varianceFen: b.countedFen === null ? null : b.countedFen - cash.expectedFen },
    openOrders: store.openOrders(b.scope),
    reconciliation: b.reconciliation
      ? { matches: b.reconciliation.diffs.length === 0, diffs: b.reconciliation.diffs, checked: b.reconciliation.checked, ...(b.reconciliation.confirmed !== undefined ? { confirmed: b.reconciliation.confirmed } : {}) }
      : null,
  };
  // Goods sold in the scope (issue 11); a shop that sells no goods gets no section.
  const goods = goodsSection(store.db, b.scope.kind === 'shift' ? { shiftId: b.scope.shiftId } : { date: b.scope.date });
  if (goods) report.goods = goods;
  assertReport(report);
  return report;
}

/**
 * One shift's report as it stands: the X report while open (no count, no reconciliation), or the
 * Z report a close builds with the count, the reconciliation and the closing time.
 */
export function liveReport(
  store: ShiftStore,
  s: ShiftRow,
  title: 'X' | 'Z',
  countedFen: Fen | null,
  reconciliation: { diffs: ReconcileDiff[]; checked: number; confirmed: number } | null,
  closedAt: string | null = null,
): FullShiftReport {
  return buildReport(store, { title, scope: { kind: 'shift', shiftId: s.id }, shifts: [s], from: s.openedAt, to: closedAt, cashierId: s.cashierId, countedFen, reconciliation });
}

/**
 * The cashier's view of a report of a shift still open: the same report with everything that
 * reveals the drawer set to null (never 0, so "hidden" can't be read as "nothing"): the cash
 * channel's amounts, the total net (cash net = total − the other channels), and every drawer
 * figure. Counts stay. A Z report is counted already and is never made blind.
 */
export function blindReport(full: FullShiftReport): BlindShiftReport {
  if (full.title === 'Z') throw new ReportInvariantError('a Z report is counted already: it is never blind');
  const report: BlindShiftReport = {
    title: full.title,
    blind: true,
    shiftIds: full.shiftIds,
    from: full.from,
    to: full.to,
    cashierId: full.cashierId,
    channels: full.channels.map((c) =>
      c.channel === 'cash' ? { ...c, salesFen: null, refundsFen: null, reversalsFen: null, netFen: null } : { ...c },
    ),
    totalNetFen: null,
    cash: { floatFen: null, salesFen: null, refundsFen: null, inFen: null, outFen: null, expectedFen: null, countedFen: null, varianceFen: null },
    openOrders: full.openOrders,
    reconciliation: full.reconciliation,
    ...(full.goods ? { goods: blindGoods(full.goods) } : {}),
  };
  assertReport(report);
  return report;
}

/** Throws ReportInvariantError unless the report adds up (net per channel, total, drawer, variance). */
export function assertReport(report: ShiftReport): void {
  const r = shiftReportSchema.safeParse(report);
  if (!r.success) {
    const i = r.error.issues[0]!;
    throw new ReportInvariantError(`report ${report.title} ${report.shiftIds.join(',')}: ${i.path.map(String).join('.')}: ${i.message}`);
  }
}
