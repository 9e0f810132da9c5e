// Handlers of goods.* and orders.refundLines: the goods service, with the manager PIN in front of
// catalogue changes, imports, exports, settings and refunds.
import { join } from 'node:path';
import type { PartialHandlers } from '../types.js';
import type { Runtime } from '../../app/runtime.js';
import type { GoodsService } from '../../goods/service.js';
import { goodsReport, goodsReportCsv, goodsReportHtml } from '../../goods/report.js';
import { writeFileAtomic } from '../../settings/store.js';
import { PosError } from '../../../shared/ipc/errors.js';
import type { PdfRenderer } from './export.js';
import { refundAndTell } from './checkout.js';

export interface GoodsHandlerDeps {
  goods: GoodsService;
  exportDir: () => string;
  renderPdf: PdfRenderer | null;
  currentShiftId: () => number | null;
}

export function goodsHandlers(rt: Runtime, d: GoodsHandlerDeps): PartialHandlers {
  const pin = (p: string) => rt.pin.check(p);
  const g = d.goods;
  return {
    'goods.scan': ({ code }) => g.scan(code),
    'goods.search': ({ text, includeInactive, limit }) => g.search(text, includeInactive, limit),
    'goods.save': ({ id, product, managerPin }) => {
      pin(managerPin);
      return g.save(id, product);
    },
    'goods.setActive': ({ id, active, managerPin }) => {
      pin(managerPin);
      return g.setActive(id, active);
    },
    'goods.importPreview': ({ fileName, format, dataBase64, managerPin }) => {
      pin(managerPin);
      return g.importPreview(fileName, format, Buffer.from(dataBase64, 'base64'));
    },
    'goods.importCommit': ({ token, managerPin }) => {
      pin(managerPin);
      return g.importCommit(token);
    },
    'goods.export': ({ format, managerPin }) => {
      pin(managerPin);
      return g.exportCatalogue(format);
    },
    'goods.config': () => g.config.get(),
    'goods.saveConfig': ({ values, managerPin }) => {
      pin(managerPin);
      return g.config.save(values);
    },
    'goods.approveDiscount': ({ managerPin }) => {
      pin(managerPin);
      return null;
    },
    'goods.hold': (p) => {
      try {
        return rt.journal.repos.held.hold(p);
      } catch (e) {
        throw new PosError('conflict', (e as Error).message);
      }
    },
    'goods.held': () => rt.journal.repos.held.list(),
    'goods.recall': ({ id }) => {
      try {
        return { draft: rt.journal.repos.held.recall(id) as Record<string, unknown> };
      } catch (e) {
        throw new PosError('not_found', (e as Error).message);
      }
    },
    'goods.saleLines': ({ outTradeNo }) => g.saleLines(outTradeNo),
    'orders.refundLines': ({ outTradeNo, lines, reason, managerPin }) => {
      pin(managerPin);
      const amountFen = g.quoteRefund(outTradeNo, lines);
      if (amountFen < 1) throw new PosError('conflict', 'lines: the chosen lines were charged nothing: there is no money to give back');
      return refundAndTell(rt, { outTradeNo, amountFen, lines, ...(reason ? { reason } : {}) });
    },
    'goods.report': ({ shiftId, date }) => goodsReport(rt.journal.db, filterOf(shiftId, date, d.currentShiftId)),
    'goods.exportReport': async ({ shiftId, date, format }) => {
      const r = goodsReport(rt.journal.db, filterOf(shiftId, date, d.currentShiftId));
      let data: string | Uint8Array;
      if (format === 'csv') data = goodsReportCsv(r);
      else {
        if (!d.renderPdf) throw new PosError('unavailable', 'PDF export needs a Chromium on this machine; export CSV instead');
        data = await d.renderPdf(goodsReportHtml(r));
      }
      const fileName = `goods-${r.from.replace(/\s+/g, '-')}.${format}`;
      const path = join(d.exportDir(), fileName);
      writeFileAtomic(path, data, 0o644);
      return { path, fileName, bytes: typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength };
    },
  };
}

function filterOf(shiftId: number | undefined, date: string | undefined, current: () => number | null): { shiftId: number } | { date: string } {
  if (date !== undefined) return { date };
  const id = shiftId ?? current();
  if (id === null) throw new PosError('not_found', 'no shift is open: give a shiftId or a date');
  return { shiftId: id };
}
