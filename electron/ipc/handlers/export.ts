// shift.export: a shift's (Z/X) or a day's report as CSV or PDF, written into the till's export
// folder. The PDF is the report's print-styled HTML rendered by a Chromium the shell provides
// (Electron's printToPDF; in the browser host, the machine's Chromium where there is one).
import { join } from 'node:path';
import type { PartialHandlers } from '../types.js';
import type { ShiftService } from '../../shift/service.js';
import { reportToCsv, renderReportHtml } from '../../shift/export.js';
import { writeFileAtomic } from '../../settings/store.js';
import { PosError } from '../../../shared/ipc/errors.js';

export type PdfRenderer = (html: string) => Promise<Uint8Array>;

export interface ExportDeps {
  shifts: ShiftService;
  exportDir: () => string;
  renderPdf: PdfRenderer | null;
  header: () => { shopName: string; terminalId: string; language: 'zh-CN' | 'en' };
  now?: () => number;
}

export function exportHandlers(d: ExportDeps): PartialHandlers {
  const now = d.now ?? Date.now;
  return {
    // An open shift's figures are exported blind unless the manager PIN is given (as on screen).
    'shift.export': async ({ shiftId, date, format, managerPin }) => {
      const reveal = { managerPin };
      const report = date !== undefined ? await d.shifts.dayReport(date, { reconcile: 'reuse', ...reveal }) : shiftId !== undefined ? d.shifts.report(shiftId, reveal) : d.shifts.xReport(reveal);
      const h = d.header();
      const opts = { locale: h.language, shopName: h.shopName, terminalId: h.terminalId, printedAt: new Date(now()).toISOString() };
      const stamp = new Date(now()).toISOString().slice(0, 19).replace(/[-:T]/g, '');
      const base = date !== undefined ? `day-${date}` : `shift-${report.shiftIds.join('-')}-${report.title}-${stamp}`;
      let data: string | Uint8Array;
      if (format === 'csv') {
        data = reportToCsv(report, opts);
      } else {
        if (!d.renderPdf) throw new PosError('unavailable', 'PDF export needs a Chromium on this machine; export CSV instead');
        data = await d.renderPdf(renderReportHtml(report, h.language, opts));
      }
      const fileName = `${base}.${format}`;
      const path = join(d.exportDir(), fileName);
      writeFileAtomic(path, data, 0o644);
      return { path, fileName, bytes: typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength };
    },
  };
}
