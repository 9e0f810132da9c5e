// The documents the till prints: sale receipt, refund slip, X/Z/day report.
//
// A document is plain data (PrintDoc), validated by a zod schema so a bad document is refused
// with the field and the rule, before anything is journaled or sent. The same data is kept in the
// print-job journal, so a failed job is re-rendered identically and a receipt can be reprinted
// from history. Payment codes / payer ids are masked (maskCode) when the document is normalised,
// i.e. before it is journaled: the journal never holds a whole payment code.
import { formatYuan, type Fen } from '../../shared/money.js';
import { maskCode } from '../../shared/paycode.js';
import { DEFAULT_DRAWER_PULSE, EscPosWriter, type DrawerPulse } from './escpos.js';
import { PAPER_COLUMNS, cells, itemRow, leftRight, ruleLine, textColumns, wrapColumns, type PaperWidth } from './layout.js';
import { kgText } from '../../shared/goods/units.js';
import type { PrintDoc, ReceiptData, RefundSlipData } from './doc-schemas.js';
import { CHANNEL_NAMES, DIFF_CAUSE_NAMES, ORDER_STATE_NAMES, REFUND_STATE_NAMES, docLabels, formatLocalTime, recountLine, type Labels, type Locale } from './doc-labels.js';
import { renderGoodsSection } from './goods-section.js';

// The schemas and the words live in their own files; importers keep importing them from here.
export * from './doc-schemas.js';
export * from './doc-labels.js';

// ---------- rendering ----------
export interface RenderOptions {
  paper: PaperWidth;
  locale?: Locale;
  /** IANA zone for printed times; the machine's when absent. */
  timeZone?: string;
  /** Pulse for the cash drawer; null when no drawer is attached to the printer. */
  drawer?: DrawerPulse | null;
  /** Whether the sale's drawer kick is still due (the service turns it off for old retries). */
  kickDrawer?: boolean;
  /** Cut after the document (printers without a cutter ignore GS V). */
  cut?: boolean;
  /** Print the out_trade_no as a QR code on receipts, for a quick look-up at the counter. */
  qrOutTradeNo?: boolean;
}

/** Reconciliation differences printed on paper; the rest are on screen and in the CSV. */
export const MAX_PRINTED_DIFFS = 30;
/** Open orders printed on paper. */
export const MAX_PRINTED_OPEN_ORDERS = 30;
/** Lines fed before the cut so the last printed line clears the cutter blade. */
const FEED_BEFORE_CUT_LINES = 4;

class Doc {
  readonly w = new EscPosWriter();
  constructor(readonly cols: number) {
    this.w.init();
  }
  lines(texts: string[]): this {
    for (const t of texts) this.w.line(t);
    return this;
  }
  bold(on: boolean): this {
    this.w.bold(on);
    return this;
  }
  lr(left: string, right: string): this {
    return this.lines(leftRight(left, right, this.cols));
  }
  /** "Label: value", the value wrapped under the label when it does not fit on the line. */
  field(label: string, value: string): this {
    const head = `${label}: `;
    if (textColumns(head) + textColumns(value) <= this.cols) return this.lines([head + value]);
    return this.lines([label + ':', ...wrapColumns(value, this.cols)]);
  }
  rule(ch = '-'): this {
    return this.lines([ruleLine(this.cols, ch)]);
  }
  center(texts: string[], opts: { bold?: boolean; big?: boolean } = {}): this {
    this.w.align('center');
    if (opts.bold) this.w.bold(true);
    if (opts.big) this.w.size(2, 2);
    // Double width halves the columns of a line.
    for (const t of texts) for (const l of wrapColumns(t, opts.big ? Math.floor(this.cols / 2) : this.cols)) this.w.line(l);
    if (opts.big) this.w.size(1, 1);
    if (opts.bold) this.w.bold(false);
    this.w.align('left');
    return this;
  }
  finish(cut: boolean): Buffer {
    if (cut) this.w.cut(FEED_BEFORE_CUT_LINES);
    else this.w.feed(FEED_BEFORE_CUT_LINES);
    return this.w.toBuffer();
  }
}

function cashierText(id: string, name: string | null | undefined): string {
  return name ? `${id} ${name}` : id;
}

function renderReceipt(r: ReceiptData, reprint: boolean, o: Required<Omit<RenderOptions, 'timeZone' | 'drawer'>> & RenderOptions): Buffer {
  const L: Labels = docLabels(o.locale);
  const cols = PAPER_COLUMNS[o.paper];
  const d = new Doc(cols);
  // The drawer opens first, while the receipt prints: the cashier makes change meanwhile.
  if (r.channel === 'cash' && !reprint && o.kickDrawer && o.drawer) d.w.drawerKick(o.drawer);
  d.center([r.shopName], { bold: true, big: true });
  d.center([L.receipt]);
  if (reprint) d.center([L.reprint], { bold: true });
  d.lr(`${L.terminal}: ${r.terminalId}`, `${L.cashier}: ${cashierText(r.cashierId, r.cashierName)}`);
  d.field(L.time, formatLocalTime(r.at, o.timeZone));
  d.rule();
  let linesFen: Fen = 0;
  if (r.lines.length > 0) {
    // 80 mm: item | qty | price | amount on one line. 58 mm: the item on its line, numbers below.
    const wide = cols >= 48;
    const qtyCols = 5;
    const unitCols = 10;
    const amountCols = 11;
    if (wide) d.lines([cells([{ text: L.item, cols: cols - qtyCols - unitCols - amountCols }, { text: L.qty, cols: qtyCols, align: 'right' }, { text: L.unit, cols: unitCols, align: 'right' }, { text: L.amount, cols: amountCols, align: 'right' }])]);
    for (const line of r.lines) {
      const amount = line.qty * line.unitFen;
      linesFen += amount;
      const nameCols = cols - qtyCols - unitCols - amountCols;
      if (wide && textColumns(line.name) <= nameCols) {
        d.lines([cells([{ text: line.name, cols: nameCols }, { text: String(line.qty), cols: qtyCols, align: 'right' }, { text: formatYuan(line.unitFen), cols: unitCols, align: 'right' }, { text: formatYuan(amount), cols: amountCols, align: 'right' }])]);
      } else {
        d.lines(wrapColumns(line.name, cols));
        d.lr(`  ${line.qty} x ${formatYuan(line.unitFen)}`, formatYuan(amount));
      }
    }
    // The lines may not add up to the amount charged (a discount typed at the till): the
    // difference is printed, so the receipt always adds up to what the customer paid.
    if (linesFen !== r.amountFen) d.lr(L.adjust, formatYuan(r.amountFen - linesFen));
    d.rule();
  }
  d.w.bold(true).size(1, 2);
  d.lr(L.total, formatYuan(r.amountFen));
  d.w.size(1, 1).bold(false);
  d.field(L.channel, CHANNEL_NAMES[o.locale][r.channel]);
  if (r.channel === 'cash') {
    if (r.tenderedFen !== null && r.tenderedFen !== undefined) d.lr(L.tendered, formatYuan(r.tenderedFen));
    if (r.changeFen !== null && r.changeFen !== undefined) d.lr(L.change, formatYuan(r.changeFen));
  }
  d.field(L.outTradeNo, r.outTradeNo);
  if (r.tradeNo) d.field(L.tradeNo, r.tradeNo);
  if (r.payer) d.field(L.payer, maskCode(r.payer));
  if (r.note) d.field(L.note, r.note);
  d.rule();
  if (o.qrOutTradeNo) {
    d.w.align('center');
    d.w.qr(r.outTradeNo, { moduleSize: o.paper === '58mm' ? 4 : 6 });
    d.w.line();
    d.w.align('left');
  }
  d.center([L.thanks]);
  return d.finish(o.cut);
}

/** The goods lines a refund by line gives back: item | quantity (or weight) | amount. */
function renderRefundLines(d: Doc, lines: NonNullable<RefundSlipData['lines']>, refundFen: Fen, L: Labels): void {
  const qty = (l: (typeof lines)[number]) => (l.weightG ? kgText(l.weightG) : String(l.qty));
  // As wide as the widest quantity (a weight takes 8), so a 58 mm slip keeps room for the names.
  const qtyCols = Math.max(5, ...lines.map((l) => textColumns(qty(l)) + 1));
  const amountCols = 10;
  d.rule();
  d.bold(true).lines([`${L.returned}:`]).bold(false);
  if (d.cols >= 48) d.lines([cells([{ text: L.item, cols: d.cols - qtyCols - amountCols }, { text: L.qty, cols: qtyCols, align: 'right' }, { text: L.amount, cols: amountCols, align: 'right' }])]);
  let linesFen: Fen = 0;
  for (const l of lines) {
    linesFen += l.amountFen;
    d.lines(itemRow(l.name, qty(l), formatYuan(l.amountFen), d.cols, qtyCols, amountCols));
  }
  // The lines always come to the refund (the journal checks it); should they not, the slip says by how much.
  if (linesFen !== refundFen) d.lr(L.adjust, formatYuan(refundFen - linesFen));
  d.rule();
}

function renderRefund(r: RefundSlipData, reprint: boolean, o: Required<Omit<RenderOptions, 'timeZone' | 'drawer'>> & RenderOptions): Buffer {
  const L: Labels = docLabels(o.locale);
  const d = new Doc(PAPER_COLUMNS[o.paper]);
  d.center([r.shopName], { bold: true, big: true });
  d.center([L.refundSlip], { bold: true });
  if (reprint) d.center([L.reprint], { bold: true });
  d.lr(`${L.terminal}: ${r.terminalId}`, `${L.cashier}: ${cashierText(r.cashierId, r.cashierName)}`);
  d.field(L.time, formatLocalTime(r.at, o.timeZone));
  d.rule();
  d.field(L.channel, CHANNEL_NAMES[o.locale][r.channel]);
  d.field(L.outTradeNo, r.outTradeNo);
  if (r.tradeNo) d.field(L.tradeNo, r.tradeNo);
  d.field(L.outRefundNo, r.outRefundNo);
  if (r.lines && r.lines.length > 0) renderRefundLines(d, r.lines, r.refundFen, L);
  d.lr(L.original, formatYuan(r.originalFen));
  d.w.bold(true).size(1, 2);
  d.lr(L.refund, formatYuan(r.refundFen));
  d.w.size(1, 1).bold(false);
  d.field(L.state, REFUND_STATE_NAMES[o.locale][r.state]);
  if (r.reason) d.field(L.reason, r.reason);
  d.rule();
  d.lines(['', `${L.signature}:`, '', ruleLine(PAPER_COLUMNS[o.paper], '_')]);
  return d.finish(o.cut);
}

function renderReport(
  doc: Extract<PrintDoc, { kind: 'report' }>,
  o: Required<Omit<RenderOptions, 'timeZone' | 'drawer'>> & RenderOptions,
): Buffer {
  const L: Labels = docLabels(o.locale);
  const r = doc.report;
  const cols = PAPER_COLUMNS[o.paper];
  const d = new Doc(cols);
  const t = (iso: string) => formatLocalTime(iso, o.timeZone);
  d.center([L[r.title]], { bold: true, big: true });
  d.center([doc.shopName]);
  if (doc.reprint) d.center([L.reprint], { bold: true });
  d.field(L.terminal, doc.terminalId);
  if (r.cashierId) d.field(L.cashier, r.cashierId);
  if (r.shiftIds.length > 0) d.field(L.shift, r.shiftIds.map((id) => `#${id}`).join(' '));
  d.field(L.from, t(r.from));
  d.field(L.to, r.to ? t(r.to) : L.stillOpen);
  d.field(L.printed, t(doc.printedAt));
  if (r.blind) {
    // The cashier's X report: the drawer's figures are hidden until the blind count at close.
    d.w.bold(true);
    d.lines(wrapColumns(L.blindNote, cols));
    d.w.bold(false);
  }
  d.rule('=');
  // A hidden amount (null in a blind report) prints as words, never as 0.00.
  const yuan = (f: Fen | null) => (f === null ? L.hidden : formatYuan(f));
  const minus = (f: Fen | null) => (f === null ? L.hidden : formatYuan(-f));
  const active = r.channels.filter((c) => c.salesCount + c.refundsCount + c.reversalsCount > 0 || (c.netFen !== null && c.netFen !== 0));
  if (active.length === 0) d.lines([L.noSales]);
  const n = (count: number) => `${count}${L.count}`;
  for (const c of active) {
    d.w.bold(true);
    d.lines([CHANNEL_NAMES[o.locale][c.channel]]);
    d.w.bold(false);
    d.lr(`  ${L.sales} ${n(c.salesCount)}`, yuan(c.salesFen));
    d.lr(`  ${L.refunds} ${n(c.refundsCount)}`, minus(c.refundsFen));
    d.lr(`  ${L.reversals} ${n(c.reversalsCount)}`, minus(c.reversalsFen));
    d.lr(`  ${L.net}`, yuan(c.netFen));
  }
  d.rule();
  d.w.bold(true);
  d.lr(L.totalNet, yuan(r.totalNetFen));
  d.w.bold(false);
  d.rule('=');
  if (r.goods) {
    renderGoodsSection(d, r.goods, L);
    d.rule('=');
  }
  const c = r.cash;
  d.w.bold(true);
  d.lines([L.cash]);
  d.w.bold(false);
  d.lr(`  ${L.float}`, yuan(c.floatFen));
  d.lr(`  ${L.cashSales}`, yuan(c.salesFen));
  d.lr(`  ${L.cashRefunds}`, minus(c.refundsFen));
  d.lr(`  ${L.cashIn}`, yuan(c.inFen));
  d.lr(`  ${L.cashOut}`, minus(c.outFen));
  d.lr(`  ${L.expected}`, yuan(c.expectedFen));
  d.lr(`  ${L.counted}`, c.countedFen === null ? L.notCounted : formatYuan(c.countedFen));
  if (c.varianceFen !== null) {
    d.w.bold(c.varianceFen !== 0);
    d.lr(`  ${L.variance}`, (c.varianceFen > 0 ? '+' : '') + formatYuan(c.varianceFen));
    d.w.bold(false);
  }
  // Counted again after the expected amount was shown: the owner sees the first count.
  const recount = r.blind ? null : recountLine(r.cash, o.locale);
  if (recount) {
    d.w.bold(true);
    d.lines(wrapColumns(`  ${recount}`, cols));
    d.w.bold(false);
  }
  d.rule('=');
  d.lr(L.openOrders, r.openOrders.length === 0 ? L.none : String(r.openOrders.length));
  for (const od of r.openOrders.slice(0, MAX_PRINTED_OPEN_ORDERS)) {
    d.lines(wrapColumns(od.outTradeNo, cols));
    d.lr(`  ${CHANNEL_NAMES[o.locale][od.channel]} ${ORDER_STATE_NAMES[o.locale][od.state]}`, formatYuan(od.amountFen));
  }
  if (r.openOrders.length > MAX_PRINTED_OPEN_ORDERS) d.lines([`  … +${r.openOrders.length - MAX_PRINTED_OPEN_ORDERS}`]);
  d.rule('=');
  d.w.bold(true);
  d.lines([L.reconcile]);
  d.w.bold(false);
  if (r.reconciliation === null) d.lines(wrapColumns(L.notReconciled, cols));
  else if (r.reconciliation.matches) {
    d.w.bold(true);
    d.lines(wrapColumns(L.matches, cols));
    d.w.bold(false);
    if (r.reconciliation.checked !== undefined) d.lr(`  ${L.checked}`, String(r.reconciliation.checked));
    if (r.reconciliation.confirmed) d.lr(`  ${L.confirmed}`, String(r.reconciliation.confirmed));
  } else {
    if (r.reconciliation.checked !== undefined) d.lr(`  ${L.checked}`, String(r.reconciliation.checked));
    if (r.reconciliation.confirmed) d.lr(`  ${L.confirmed}`, String(r.reconciliation.confirmed));
    d.lr(L.diffs, String(r.reconciliation.diffs.length));
    // A paper roll is not the place for thousands of lines (an offline close lists every order
    // as not checked): the first MAX_PRINTED_DIFFS, then how many more the screen and CSV show.
    for (const diff of r.reconciliation.diffs.slice(0, MAX_PRINTED_DIFFS)) {
      d.lines(wrapColumns(diff.outTradeNo, cols));
      d.lines(wrapColumns(`  ${DIFF_CAUSE_NAMES[o.locale][diff.cause]}`, cols));
      d.lines(wrapColumns(`  ${L.journal}: ${diff.journal}`, cols));
      d.lines(wrapColumns(`  ${L.gateway}: ${diff.gateway}`, cols));
    }
    const more = r.reconciliation.diffs.length - MAX_PRINTED_DIFFS;
    if (more > 0) d.lines(wrapColumns(L.moreDiffs.replace('{n}', String(more)), cols));
  }
  d.rule('=');
  d.lines(['', `${r.title === 'DAY' ? L.managerSign : L.cashier}:`, '', ruleLine(cols, '_')]);
  return d.finish(o.cut);
}

/** The ESC/POS bytes of a normalised document. */
export function renderDoc(doc: PrintDoc, opts: RenderOptions): Buffer {
  const o = {
    locale: 'zh-CN' as Locale,
    kickDrawer: true,
    cut: true,
    qrOutTradeNo: true,
    ...opts,
    drawer: opts.drawer === undefined ? DEFAULT_DRAWER_PULSE : opts.drawer,
  };
  switch (doc.kind) {
    case 'receipt':
      return renderReceipt(doc.receipt, doc.reprint === true, o);
    case 'refund':
      return renderRefund(doc.refund, doc.reprint === true, o);
    case 'report':
      return renderReport(doc, o);
  }
}

