// Handlers of the printer.* channels. A print that fails is still journaled (retryable); the
// renderer gets a typed error naming the printer and the job (printOutcomeError).
import type { PartialHandlers } from '../types.js';
import type { PrinterService } from '../../printer/service.js';
import { printOutcomeError } from '../../printer/service.js';
import type { ShiftService } from '../../shift/service.js';
import { docRef, type PrintDoc } from '../../printer/documents.js';

export interface PrinterHandlerDeps {
  printer: PrinterService;
  shifts: ShiftService;
  /** Shop name and terminal id for report headers (from the settings of the moment). */
  header: () => { shopName: string; terminalId: string };
  now?: () => number;
}

export function printerHandlers(d: PrinterHandlerDeps): PartialHandlers {
  const now = d.now ?? Date.now;
  /** A copy of a receipt (by out_trade_no) or of a refund slip (by out_refund_no), marked 重印. */
  const reprint = async (ref: string, kind: 'receipt' | 'refund') => {
    const o = await d.printer.reprint(ref, kind);
    if (!o.ok) throw printOutcomeError(o);
    return { jobId: o.jobId };
  };
  return {
    'printer.status': () => d.printer.status(),
    'printer.retryFailed': async () => {
      const outcomes = await d.printer.retryFailed();
      return { retried: outcomes.length, printed: outcomes.filter((o) => o.ok).length };
    },
    'printer.reprint': ({ outTradeNo }) => reprint(outTradeNo, 'receipt'),
    'printer.reprintRefund': ({ outRefundNo }) => reprint(outRefundNo, 'refund'),
    /**
     * A day's report when `date` is given, else the given shift's (Z or X), else the open shift's X.
     * An open shift's figures are printed blind unless the manager PIN is given (as on screen).
     */
    'printer.printReport': async ({ shiftId, date, managerPin }) => {
      const reveal = { managerPin };
      const report = date !== undefined ? await d.shifts.dayReport(date, reveal) : shiftId !== undefined ? d.shifts.report(shiftId, reveal) : d.shifts.xReport(reveal);
      const h = d.header();
      const doc: PrintDoc = { kind: 'report', report, shopName: h.shopName, terminalId: h.terminalId, printedAt: new Date(now()).toISOString() };
      // A Z report is fixed once the shift closed: a second print is a copy and says so. X and
      // day reports are snapshots of the moment, each print a new one.
      if (report.title === 'Z' && d.printer.jobs({ ref: docRef(doc), states: ['printed'], limit: 1 }).length > 0) doc.reprint = true;
      const o = await d.printer.print(doc);
      if (!o.ok) throw printOutcomeError(o);
      return { jobId: o.jobId };
    },
  };
}
