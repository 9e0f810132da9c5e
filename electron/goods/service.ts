// The goods side of a till: what a scanned code is (product, scale label, misread, unknown),
// catalogue edits and search, import (preview, then all or nothing) and export, held sales, the
// checks a goods sale passes before the payment engine sees it, and the goods figures of reports.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { checkProductBarcode, parseScaleBarcode, weighedPriceFen } from '../../shared/goods/barcode.js';
import { discountNeedsManager, roundingFen } from '../../shared/goods/sale.js';
import type { GoodsScanResult, ImportPreview, ProductView, SaleLinesView } from '../../shared/ipc/goods.js';
import { PosError } from '../../shared/ipc/errors.js';
import { JournalConflictError, type Journal } from '../journal/journal.js';
import type { ProductInput, ProductRow } from '../journal/repos/catalogue.js';
import { writeFileAtomic } from '../settings/store.js';
import { GoodsConfigStore } from './config.js';
import { catalogueToCsv, catalogueToXlsx } from './export.js';
import { parseCatalogueTable, readTable, type ImportFormat } from './import.js';
import { pinyinInitials } from './pinyin.js';

/** A preview waits this long for its commit; then the file must be read again. */
export const IMPORT_PREVIEW_TTL_MS = 10 * 60_000;
/** Rows of a preview shown as a sample. */
export const IMPORT_SAMPLE_ROWS = 5;

export interface GoodsSaleInput {
  amountFen: number;
  lines?: { qty: number; unitFen: number; productId?: number | undefined; discountFen?: number | undefined; amountFen?: number | undefined; weightG?: number | undefined }[] | undefined;
  adjust?: { orderDiscountFen: number; roundingFen: number } | undefined;
  managerPin?: string | undefined;
}

export function productView(p: ProductRow): ProductView {
  return { id: p.id, code: p.code, name: p.name, pinyin: p.pinyin, priceFen: p.priceFen, unit: p.unit, weighed: p.weighed, plu: p.plu, category: p.category, taxFree: p.taxFree, active: p.active, stock: p.stock, barcodes: p.barcodes };
}

export class GoodsService {
  readonly config: GoodsConfigStore;
  private pending: { token: string; rows: Parameters<Journal['repos']['catalogue']['importProducts']>[0]; source: string; expiresAtMs: number } | null = null;

  constructor(
    private readonly journal: Journal,
    private readonly o: { checkManagerPin: (pin: string | undefined) => void; exportDir: () => string; now?: () => number },
  ) {
    this.config = new GoodsConfigStore(journal.db);
  }

  private get catalogue() {
    return this.journal.repos.catalogue;
  }

  private now(): number {
    return (this.o.now ?? Date.now)();
  }

  /** A read that is not a payment code. */
  scan(raw: string): GoodsScanResult {
    const code = raw.trim();
    const scale = parseScaleBarcode(code, this.config.get().scale);
    if (scale?.kind === 'bad_check') return { kind: 'bad_check', barcode: code, reason: scale.reason };
    if (scale?.kind === 'scale') {
      const p = this.catalogue.byPlu(scale.plu) ?? this.catalogue.byPlu(String(Number(scale.plu)));
      if (p && !p.active) return { kind: 'inactive', product: productView(p), barcode: code };
      if (p) {
        const priceFen = scale.priceFen ?? weighedPriceFen(scale.weightG!, p.priceFen);
        // A price label carries no weight: it is worked back from the price per kg (for the stock, in grams).
        const weightG = scale.weightG ?? (p.priceFen > 0 ? Math.max(1, Math.round((priceFen * 1000) / p.priceFen)) : null);
        return { kind: 'weighed', product: productView(p), barcode: code, weightG, priceFen };
      }
      // A scale layout that happens to match an ordinary EAN-13 of prefix 2: try it as a barcode.
    }
    const p = this.catalogue.byBarcode(code);
    if (p) return p.active ? { kind: 'product', product: productView(p), barcode: code } : { kind: 'inactive', product: productView(p), barcode: code };
    const check = checkProductBarcode(code);
    if (!check.ok && /check digit/.test(check.reason)) return { kind: 'bad_check', barcode: code, reason: check.reason };
    return { kind: 'unknown', barcode: code, addable: check.ok, reason: check.ok ? null : check.reason };
  }

  search(text: string, includeInactive: boolean, limit: number): ProductView[] {
    return this.catalogue.search(text, { includeInactive, limit }).map(productView);
  }

  private input(p: Omit<ProductInput, 'pinyin'>): ProductInput {
    if (p.weighed && p.plu === null) throw new PosError('invalid_payload', 'plu: a weighed product needs the PLU its scale labels carry', { issues: [{ path: 'product.plu', message: 'plu: a weighed product needs the PLU its scale labels carry' }] });
    return { ...p, pinyin: pinyinInitials(p.name) };
  }

  save(id: number | undefined, p: Omit<ProductInput, 'pinyin'>): ProductView {
    try {
      return productView(id === undefined ? this.catalogue.add(this.input(p)) : this.catalogue.update(id, this.input(p)));
    } catch (e) {
      throw asPosError(e);
    }
  }

  setActive(id: number, active: boolean): ProductView {
    try {
      return productView(this.catalogue.setActive(id, active));
    } catch (e) {
      throw asPosError(e);
    }
  }

  async importPreview(fileName: string, format: ImportFormat, bytes: Uint8Array): Promise<ImportPreview> {
    let table: string[][];
    try {
      table = await readTable(bytes, format);
    } catch (e) {
      throw new PosError('invalid_payload', (e as Error).message, { issues: [{ path: 'dataBase64', message: (e as Error).message }] });
    }
    const parsed = parseCatalogueTable(table);
    const adds = parsed.rows.length - this.catalogue.countExistingCodes(parsed.rows.map((r) => r.product.code));
    const ok = parsed.problemCount === 0;
    const token = ok ? randomBytes(12).toString('hex') : null;
    this.pending = ok ? { token: token!, rows: parsed.rows, source: fileName, expiresAtMs: this.now() + IMPORT_PREVIEW_TTL_MS } : null;
    return {
      token,
      fileName,
      rows: parsed.rows.length,
      adds,
      updates: parsed.rows.length - adds,
      problems: parsed.problems,
      problemCount: parsed.problemCount,
      sample: parsed.rows.slice(0, IMPORT_SAMPLE_ROWS).map((r, i) => ({ id: -(i + 1), stock: r.product.stock ?? 0, ...r.product })),
    };
  }

  importCommit(token: string): { added: number; updated: number } {
    const p = this.pending;
    if (!p || p.token !== token || p.expiresAtMs < this.now()) throw new PosError('conflict', 'token: this preview is no longer current: read the file again');
    this.pending = null;
    try {
      return this.catalogue.importProducts(p.rows, p.source);
    } catch (e) {
      throw asPosError(e);
    }
  }

  async exportCatalogue(format: 'csv' | 'xlsx'): Promise<{ path: string; fileName: string; bytes: number }> {
    const data = format === 'csv' ? catalogueToCsv(this.catalogue.all()) : await catalogueToXlsx(this.catalogue.all());
    const stamp = new Date(this.now()).toISOString().slice(0, 19).replace(/[-:T]/g, '');
    const fileName = `catalogue-${stamp}.${format}`;
    const path = join(this.o.exportDir(), fileName);
    writeFileAtomic(path, data, 0o644);
    return { path, fileName, bytes: typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength };
  }

  /**
   * Before a goods sale reaches the engine: catalogue lines at the catalogue's price (a changed
   * price is a discount), 抹零 as the till's rule gives it, and the manager PIN for a discount
   * above the limit. The journal checks again that everything adds up.
   */
  checkSale(input: GoodsSaleInput): void {
    const lines = input.lines ?? [];
    const cfg = this.config.get();
    if (!lines.some((l) => l.amountFen !== undefined)) {
      if (input.adjust && (input.adjust.orderDiscountFen || input.adjust.roundingFen)) throw invalidField('adjust', 'a discount or 抹零 needs goods lines');
      return;
    }
    lines.forEach((l, i) => {
      if (l.productId === undefined) return;
      const p = this.catalogue.get(l.productId);
      if (!p) throw invalidField(`lines.${i}.productId`, `no product ${l.productId}`);
      if (!p.active) throw invalidField(`lines.${i}.productId`, `${p.name} is no longer sold`);
      if (!p.weighed && l.unitFen !== p.priceFen) throw invalidField(`lines.${i}.unitFen`, `${p.name} costs ${p.priceFen} fen: give a discount instead of changing the price`);
    });
    const subtotalFen = lines.reduce((a, l) => a + l.qty * l.unitFen, 0);
    const lineDiscountFen = lines.reduce((a, l) => a + (l.discountFen ?? 0), 0);
    const orderDiscountFen = input.adjust?.orderDiscountFen ?? 0;
    const want = roundingFen(subtotalFen - lineDiscountFen - orderDiscountFen, cfg.rounding);
    if ((input.adjust?.roundingFen ?? 0) !== want) throw invalidField('adjust.roundingFen', `the 抹零 rule (${cfg.rounding}) gives ${want} fen`);
    if (discountNeedsManager({ subtotalFen, lineDiscountFen, orderDiscountFen }, { thresholdBp: cfg.discountThresholdBp, thresholdFen: cfg.discountThresholdFen })) {
      if (!input.managerPin) throw new PosError('pin_required', 'the discount is above the limit: the manager PIN is needed');
      this.o.checkManagerPin(input.managerPin);
    }
  }

  saleLines(outTradeNo: string): SaleLinesView {
    const a = this.journal.attempt(outTradeNo);
    if (!a) throw new PosError('not_found', `outTradeNo: no order ${outTradeNo}`);
    const sale = this.journal.repos.sales.row(a.saleId)!;
    const done = this.journal.repos.lineRefunds.refundedQty(a.saleId);
    const stored = this.journal.repos.sales.lines(a.saleId);
    return {
      outTradeNo,
      goods: stored.some((l) => l.amountFen !== undefined),
      orderDiscountFen: sale.orderDiscountFen,
      roundingFen: sale.roundingFen,
      chargedFen: a.amountFen,
      lines: stored.map((l) => ({
        lineNo: l.lineNo, name: l.name, barcode: l.barcode ?? null, qty: l.qty, unitFen: l.unitFen, discountFen: l.discountFen ?? 0,
        amountFen: l.amountFen ?? l.qty * l.unitFen, weightG: l.weightG ?? null, category: l.category ?? null, refundedQty: done.get(l.lineNo) ?? 0,
      })),
    };
  }

  /**
   * What an AMOUNT refund (orders.refund) of this order does to the goods, decided here so that
   * stock and the goods report always agree with the money:
   * - not a goods sale (typed amount): nothing; the amount is refunded as before (null);
   * - a goods sale refunded in full (no amount, or all that is still refundable): it is a refund
   *   of every piece not yet refunded, so every line's stock goes back and the report takes the
   *   lines off (the lines to send with the refund);
   * - a goods sale refunded in part by amount: refused, naming refund by line (退货), because
   *   nothing would say which goods came back — stock and the goods report would go wrong.
   * A sale that had an amount refund before this rule (its lines no longer add up to what is left)
   * is refunded in full by amount, and its stock is not returned (null).
   */
  amountRefundLines(outTradeNo: string, amountFen: number | undefined, refundableFen: number): { lineNo: number; qty: number }[] | null {
    const view = this.saleLines(outTradeNo);
    if (!view.goods) return null;
    if (amountFen !== undefined && amountFen !== refundableFen) {
      const message = 'amountFen: this sale was rung up by item: refund the returned items by line (按商品退货) so their stock goes back, or refund it in full';
      throw new PosError('conflict', message, { issues: [{ path: 'amountFen', message }] });
    }
    const left = view.lines.filter((l) => l.qty > l.refundedQty).map((l) => ({ lineNo: l.lineNo, qty: l.qty - l.refundedQty }));
    if (left.length === 0 || this.quoteRefund(outTradeNo, left) !== refundableFen) return null;
    return left;
  }

  /** What refunding these lines comes to (the engine's refund is then for exactly that). */
  quoteRefund(outTradeNo: string, lines: { lineNo: number; qty: number }[]): number {
    const a = this.journal.attempt(outTradeNo);
    if (!a) throw new PosError('not_found', `outTradeNo: no order ${outTradeNo}`);
    try {
      return this.journal.repos.lineRefunds.quote(a.saleId, lines).amountFen;
    } catch (e) {
      throw asPosError(e);
    }
  }
}

function invalidField(path: string, message: string): PosError {
  return new PosError('invalid_payload', `${path}: ${message}`, { issues: [{ path, message: `${path}: ${message}` }] });
}

export function asPosError(e: unknown): unknown {
  if (e instanceof JournalConflictError) {
    const field = /^(?:row \d+: )?([A-Za-z.]+\d*[A-Za-z.]*):/.exec(e.message)?.[1] ?? '';
    return new PosError('conflict', e.message, field ? { issues: [{ path: field, message: e.message }] } : {});
  }
  return e;
}
