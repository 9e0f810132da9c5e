// Documents built from the journal: the receipt of a paid order and the slip of a refund, with the
// cashier taken from the order's (or the refund's) shift. Used to print after a sale or a refund
// (refund-slips.ts), and to reprint one that never had a print job (e.g. made while no printer
// was configured).
import type { Journal } from '../journal/journal.js';
import type { PrintDoc, PrintDocKind, RefundSlipData } from './documents.js';

export interface DocHeader {
  shopName: string;
  /** Defaults to the journal's terminal id. */
  terminalId?: string;
}

function cashierOf(journal: Journal, shiftId: number | null): { id: string; name: string | null } {
  if (shiftId === null) return { id: '-', name: null };
  const row = journal.db
    .prepare('SELECT s.cashier_id AS id, c.name AS name FROM shifts s LEFT JOIN cashiers c ON c.id = s.cashier_id WHERE s.id = ?')
    .get(shiftId) as { id: string; name: string | null } | undefined;
  return row ?? { id: '-', name: null };
}

/** The receipt of a paid order, or null when there is no such order or it is not paid. */
export function receiptFromJournal(journal: Journal, outTradeNo: string, header: DocHeader): PrintDoc | null {
  const a = journal.attempt(outTradeNo);
  if (!a || a.state !== 'paid') return null;
  const sale = journal.sale(a.saleId);
  const cash = a.kind === 'cash' ? journal.cashTender(a.id) : null;
  const cashier = cashierOf(journal, a.shiftId);
  return {
    kind: 'receipt',
    receipt: {
      shopName: header.shopName,
      terminalId: header.terminalId ?? a.terminalId,
      cashierId: cashier.id,
      cashierName: cashier.name,
      at: a.finalAt ?? a.createdAt,
      lines: (sale?.lines ?? []).map((l) => ({ name: l.name, qty: l.qty, unitFen: l.unitFen })),
      amountFen: a.amountFen,
      channel: a.channel,
      method: a.method,
      outTradeNo: a.outTradeNo,
      tradeNo: a.tradeNo,
      payer: a.maskedAuthCode,
      tenderedFen: cash?.tenderedFen ?? null,
      changeFen: cash?.changeFen ?? null,
      note: sale?.note ?? null,
    },
  };
}

/** The goods lines a refund by line gave back, named as sold; undefined for a refund by amount. */
function refundLinesOf(journal: Journal, refundId: number, saleId: number): RefundSlipData['lines'] {
  const given = journal.repos.lineRefunds.of(refundId);
  if (given.length === 0) return undefined;
  const sold = new Map(journal.repos.sales.lines(saleId).map((l) => [l.lineNo, l]));
  return given.map((g) => {
    const l = sold.get(g.lineNo);
    // A weighed line is one piece (qty 1) of its weight: refunding it gives the whole weight back.
    return { name: l?.name ?? `#${g.lineNo}`, qty: g.qty, ...(l?.weightG ? { weightG: l.weightG } : {}), amountFen: g.amountFen };
  });
}

/** The slip of a refund (any state: a processing refund's slip says so), with its goods lines if by line. */
export function refundSlipFromJournal(journal: Journal, outRefundNo: string, header: DocHeader): PrintDoc | null {
  const r = journal.refund(outRefundNo);
  if (!r) return null;
  const a = journal.attemptById(r.attemptId);
  if (!a) return null;
  const cashier = cashierOf(journal, r.shiftId);
  const lines = refundLinesOf(journal, r.id, a.saleId);
  return {
    kind: 'refund',
    refund: {
      shopName: header.shopName,
      terminalId: header.terminalId ?? r.terminalId,
      cashierId: cashier.id,
      cashierName: cashier.name,
      at: r.updatedAt,
      channel: a.channel,
      outTradeNo: a.outTradeNo,
      tradeNo: a.tradeNo,
      outRefundNo: r.outRefundNo,
      refundFen: r.amountFen,
      originalFen: a.amountFen,
      state: r.state,
      reason: r.reason,
      ...(lines ? { lines } : {}),
    },
  };
}

/** Orders remembered as "receipt started" by printReceiptsOnPaid. */
export const MAX_TRACKED_PAID_ORDERS = 10_000;

/** What the payment engine emits (EventEmitter 'progress' with a PaymentView). */
export interface ProgressSource {
  on(event: 'progress', listener: (view: { outTradeNo: string; state: string }) => void): unknown;
  off(event: 'progress', listener: (view: { outTradeNo: string; state: string }) => void): unknown;
}

/**
 * Prints the receipt of every order the moment it becomes paid, once (an order that already has
 * a receipt job is not printed again: reprints are the cashier's explicit act). Printer trouble
 * never reaches the sale: the outcome is logged and the job stays in the journal for a retry.
 * Returns the unsubscribe.
 */
/** The printer as the automatic prints need it (PrinterService). */
export interface BackgroundPrinter {
  print(doc: PrintDoc): Promise<{ ok: boolean; jobId: number | null } & ({ ok: true } | { ok: false; code: string; message: string })>;
  /** Whether an original (in any state) of this document is in the print journal. */
  has(kind: PrintDocKind, ref: string): boolean;
}

/** Prints without waiting: trouble is logged, and the job stays in the print journal for a retry. */
export function printInBackground(printer: BackgroundPrinter, doc: PrintDoc, what: string, log: (line: string) => void): void {
  void printer.print(doc).then(
    (o) => {
      if (!o.ok) log(`${what}: not printed (${o.code}: ${o.message}); job ${o.jobId} kept for retry`);
    },
    (e: unknown) => log(`${what}: print failed: ${e instanceof Error ? e.message : String(e)}`),
  );
}

export function printReceiptsOnPaid(
  engine: ProgressSource,
  printer: BackgroundPrinter,
  journal: Journal,
  header: () => DocHeader,
  log: (line: string) => void = () => undefined,
): () => void {
  const started = new Set<string>();
  const on = (view: { outTradeNo: string; state: string }) => {
    if (view.state !== 'paid' || started.has(view.outTradeNo)) return;
    // A fast path only (the print journal is the real guard): forget the oldest past the limit.
    if (started.size >= MAX_TRACKED_PAID_ORDERS) started.delete(started.values().next().value!);
    started.add(view.outTradeNo);
    if (printer.has('receipt', view.outTradeNo)) return;
    const doc = receiptFromJournal(journal, view.outTradeNo, header());
    if (doc) printInBackground(printer, doc, `receipt ${view.outTradeNo}`, log);
  };
  engine.on('progress', on);
  return () => engine.off('progress', on);
}
