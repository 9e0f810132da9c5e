// Handlers of the printer.* channels. A print that fails is still journaled (retryable); the
// renderer gets a typed error naming the printer and the job (printOutcomeError).
import type { PartialHandlers } from '../types.js';
import type { PrinterService } from '../../printer/service.js';
import { printOutcomeError } from '../../printer/service.js';
import type { ShiftService } from '../../shift/service.js';

export interface PrinterHandlerDeps {
  printer: PrinterService;
  shifts: ShiftService;
  /** Shop name and terminal id for report headers (from the settings of the moment). */
  header: () => { shopName: string; terminalId: string };
  now?: () => number;
}

export function printerHandlers(d: PrinterHandlerDeps): PartialHandlers {
  const now = d.now ?? Date.now;
  return {
    'printer.status': () => d.printer.status(),
    'printer.reprint': async ({ outTradeNo }) => {
      const o = await d.printer.reprint(outTradeNo);
      if (!o.ok) throw printOutcomeError(o);
      return { jobId: o.jobId };
    },
    /** A day's report when `date` is given, else the given shift's (Z or X), else the open shift's X. */
    'printer.printReport': async ({ shiftId, date }) => {
      const report = date !== undefined ? await d.shifts.dayReport(date) : shiftId !== undefined ? d.shifts.report(shiftId) : d.shifts.xReport();
      const h = d.header();
      const o = await d.printer.print({ kind: 'report', report, shopName: h.shopName, terminalId: h.terminalId, printedAt: new Date(now()).toISOString() });
      if (!o.ok) throw printOutcomeError(o);
      return { jobId: o.jobId };
    },
  };
}
