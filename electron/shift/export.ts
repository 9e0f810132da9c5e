// Report exports: CSV (exact fen → yuan text, opens in Excel/WPS) and a self-contained,
// print-styled HTML page that Chromium turns into a PDF (Electron's webContents.printToPDF, or
// page.pdf() in a test). Same words as the paper report (docLabels), Chinese by default.
import { formatYuan, type Fen } from '../../shared/money.js';
import type { ShiftReport } from '../../shared/ipc/contract.js';
import { CHANNEL_NAMES, DIFF_CAUSE_NAMES, ORDER_STATE_NAMES, docLabels, formatLocalTime, recountLine, type Locale } from '../printer/documents.js';
import { qtyText } from '../../shared/goods/units.js';

export interface ExportOptions {
  locale?: Locale;
  /** IANA zone for the times; the machine's when absent. */
  timeZone?: string;
  shopName?: string;
  terminalId?: string;
  /** When the export was made (ISO); shown in the header. */
  printedAt?: string;
}

const EXTRA = {
  'zh-CN': {
    channel: '渠道', salesCount: '销售笔数', salesYuan: '销售金额', refundsCount: '退款笔数', refundsYuan: '退款金额',
    reversalsCount: '撤销笔数', reversalsYuan: '撤销金额', netYuan: '净额', item: '项目', yuan: '金额(元)', report: '报表',
    outTradeNo: '商户单号', state: '状态', cause: '原因', total: '合计', tradeNo: '交易单号', createdAt: '创建时间',
    chart: '各渠道净额', shop: '门店', yes: '一致', no: '有差异', code: '货号', qty: '数量', weightG: '重量(克)', takingsYuan: '销售额(元)',
  },
  en: {
    channel: 'Channel', salesCount: 'Sales count', salesYuan: 'Sales (yuan)', refundsCount: 'Refunds count', refundsYuan: 'Refunds (yuan)',
    reversalsCount: 'Reversals count', reversalsYuan: 'Reversals (yuan)', netYuan: 'Net (yuan)', item: 'Item', yuan: 'Amount (yuan)', report: 'Report',
    outTradeNo: 'Order no', state: 'State', cause: 'Cause', total: 'Total', tradeNo: 'Trade no', createdAt: 'Created',
    chart: 'Net by channel', shop: 'Shop', yes: 'matches', no: 'differs', code: 'Code', qty: 'Qty', weightG: 'Weight (g)', takingsYuan: 'Takings (yuan)',
  },
} as const;

// ---------------------------------------------------------------- CSV
type Cell = { text: string } | { amount: Fen } | { count: number };
const t = (text: string | null | undefined): Cell => ({ text: text ?? '' });
const n = (count: number): Cell => ({ count });

/** Sums amounts; null when any is hidden (a total over a hidden amount is hidden too). */
function sumShown(amounts: readonly (Fen | null)[]): Fen | null {
  let total = 0;
  for (const a of amounts) {
    if (a === null) return null;
    total += a;
  }
  return total;
}

/** RFC 4180 quoting; text that a spreadsheet would run as a formula gets a leading apostrophe. */
function csvCell(c: Cell): string {
  let s: string;
  if ('amount' in c) s = formatYuan(c.amount);
  else if ('count' in c) s = String(c.count);
  else s = /^[=+\-@\t\r]/.test(c.text) ? `'${c.text}` : c.text;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * The report as CSV: header facts, per-channel table, drawer, open orders, reconciliation.
 * Amounts are yuan with two decimals from integer fen (never a float). UTF-8 with a BOM and CRLF
 * line ends, so Excel and WPS open the Chinese text correctly.
 */
export function reportToCsv(report: ShiftReport, opts: ExportOptions & { bom?: boolean } = {}): string {
  const locale = opts.locale ?? 'zh-CN';
  const L = docLabels(locale);
  const X = EXTRA[locale];
  const time = (iso: string | null) => (iso ? formatLocalTime(iso, opts.timeZone) : L.stillOpen);
  // A hidden amount (null in a blind report) is a cell in words, never 0.00.
  const y = (amount: Fen | null): Cell => (amount === null ? { text: L.hidden } : { amount });
  const rows: Cell[][] = [];
  rows.push([t(X.report), t(L[report.title])]);
  if (report.blind) rows.push([t(L.blindNote)]);
  if (opts.shopName) rows.push([t(X.shop), t(opts.shopName)]);
  if (opts.terminalId) rows.push([t(L.terminal), t(opts.terminalId)]);
  rows.push([t(L.shift), t(report.shiftIds.map((id) => `#${id}`).join(' '))]);
  if (report.cashierId) rows.push([t(L.cashier), t(report.cashierId)]);
  rows.push([t(L.from), t(time(report.from))]);
  rows.push([t(L.to), t(time(report.to))]);
  if (opts.printedAt) rows.push([t(L.printed), t(time(opts.printedAt))]);
  rows.push([]);
  rows.push([X.channel, X.salesCount, X.salesYuan, X.refundsCount, X.refundsYuan, X.reversalsCount, X.reversalsYuan, X.netYuan].map(t));
  for (const c of report.channels) {
    rows.push([t(CHANNEL_NAMES[locale][c.channel]), n(c.salesCount), y(c.salesFen), n(c.refundsCount), y(c.refundsFen), n(c.reversalsCount), y(c.reversalsFen), y(c.netFen)]);
  }
  const count = (f: (c: ShiftReport['channels'][number]) => number) => report.channels.reduce((s, c) => s + f(c), 0);
  const sum = (f: (c: ShiftReport['channels'][number]) => Fen | null) => sumShown(report.channels.map(f));
  rows.push([t(X.total), n(count((c) => c.salesCount)), y(sum((c) => c.salesFen)), n(count((c) => c.refundsCount)), y(sum((c) => c.refundsFen)), n(count((c) => c.reversalsCount)), y(sum((c) => c.reversalsFen)), y(report.totalNetFen)]);
  rows.push([]);
  // Goods (issue 11): top items, then by category; quantity in pieces, weight in grams.
  const g = report.goods;
  if (g) {
    rows.push([t(L.goods)], [X.item, X.code, X.qty, X.weightG, X.takingsYuan].map(t));
    rows.push([t(L.topItems)]);
    for (const i of g.topItems) rows.push([t(i.name), t(i.code), n(i.qty), n(i.weightG), y(i.takingsFen)]);
    rows.push([t(L.byCategory)]);
    for (const c of g.categories) rows.push([t(c.category || L.uncategorised), t(''), n(c.qty), n(c.weightG), y(c.takingsFen)]);
    rows.push([t(L.refundedLines), t(''), t(''), t(''), y(g.refundedFen === null ? null : -g.refundedFen)], [t(L.typed), t(''), t(''), t(''), y(g.typedFen)]);
    rows.push([]);
  }
  const c = report.cash;
  rows.push([t(L.cash), t(X.yuan)]);
  rows.push([t(L.float), y(c.floatFen)], [t(L.cashSales), y(c.salesFen)], [t(L.cashRefunds), y(c.refundsFen)], [t(L.cashIn), y(c.inFen)], [t(L.cashOut), y(c.outFen)], [t(L.expected), y(c.expectedFen)]);
  rows.push([t(L.counted), c.countedFen === null ? t(L.notCounted) : y(c.countedFen)]);
  rows.push([t(L.variance), c.varianceFen === null ? t('') : y(c.varianceFen)]);
  // Counted again after the expected amount was shown: the first count and how many there were.
  const full = report.blind ? null : report.cash;
  if (full?.counts !== undefined && full.counts > 1 && full.firstCountedFen !== undefined) {
    rows.push([t(L.firstCount), y(full.firstCountedFen)], [t(L.timesCounted), n(full.counts)]);
  }
  rows.push([]);
  rows.push([t(L.openOrders), n(report.openOrders.length)]);
  if (report.openOrders.length > 0) {
    rows.push([X.outTradeNo, X.channel, X.state, X.yuan, X.createdAt].map(t));
    for (const o of report.openOrders) rows.push([t(o.outTradeNo), t(CHANNEL_NAMES[locale][o.channel]), t(ORDER_STATE_NAMES[locale][o.state]), y(o.amountFen), t(time(o.createdAt))]);
  }
  rows.push([]);
  const rec = report.reconciliation;
  rows.push([t(L.reconcile), t(rec === null ? L.notReconciled : rec.matches ? L.matches : `${L.diffs} ${rec.diffs.length}`)]);
  if (rec && rec.checked !== undefined) rows.push([t(L.checked), n(rec.checked)]);
  if (rec && rec.confirmed) rows.push([t(L.confirmed), n(rec.confirmed)]);
  if (rec && rec.diffs.length > 0) {
    rows.push([X.outTradeNo, X.cause, L.journal, L.gateway].map(t));
    for (const d of rec.diffs) rows.push([t(d.outTradeNo), t(DIFF_CAUSE_NAMES[locale][d.cause]), t(d.journal), t(d.gateway)]);
  }
  const body = rows.map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';
  return (opts.bom ?? true ? '\uFEFF' : '') + body;
}

// ---------------------------------------------------------------- HTML
export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);
}

/** Bars of each channel's net, to scale, as inline SVG (no script, no external file). */
function channelChart(report: ShiftReport, locale: Locale): string {
  const rows = report.channels;
  const max = Math.max(1, ...rows.map((c) => Math.abs(c.netFen ?? 0)));
  const rowH = 22;
  const labelW = 90;
  const barW = 360;
  const valueW = 110;
  const height = rows.length * rowH + 4;
  const bars = rows
    .map((c, i) => {
      const yPos = i * rowH + 2;
      const label = `<text x="${labelW - 6}" y="${yPos + 15}" text-anchor="end">${esc(CHANNEL_NAMES[locale][c.channel])}</text>`;
      // A hidden net (blind report) gets no bar: its length would tell the amount.
      if (c.netFen === null) return label + `<text x="${labelW + barW + valueW - 4}" y="${yPos + 15}" text-anchor="end" class="hidden">${esc(docLabels(locale).hidden)}</text>`;
      const w = Math.round((Math.abs(c.netFen) / max) * barW);
      return label +
        `<rect x="${labelW}" y="${yPos + 3}" width="${w}" height="${rowH - 8}" class="${c.netFen < 0 ? 'neg' : 'pos'}"><title>${esc(formatYuan(c.netFen))}</title></rect>` +
        `<text x="${labelW + barW + valueW - 4}" y="${yPos + 15}" text-anchor="end" class="num">${esc(formatYuan(c.netFen))}</text>`;
    })
    .join('');
  return `<svg class="chart" role="img" aria-label="${esc(EXTRA[locale].chart)}" width="${labelW + barW + valueW}" height="${height}" viewBox="0 0 ${labelW + barW + valueW} ${height}" xmlns="http://www.w3.org/2000/svg">${bars}</svg>`;
}

/** The goods section of the page: top items and categories with quantity and takings; '' without goods. */
function goodsHtml(report: ShiftReport, L: ReturnType<typeof docLabels>, X: (typeof EXTRA)[Locale]): string {
  const g = report.goods;
  if (!g) return '';
  const money = (f: Fen | null) => (f === null ? `<td class="num hidden">${esc(L.hidden)}</td>` : `<td class="num">${esc(formatYuan(f))}</td>`);
  const head = (first: string) => `<thead><tr><th>${esc(first)}</th><th class="num">${esc(X.qty)}</th><th class="num">${esc(X.takingsYuan)}</th></tr></thead>`;
  const row = (name: string, x: { qty: number; weightG: number; takingsFen: Fen | null }) => `<tr><td>${esc(name)}</td><td class="num">${esc(qtyText(x))}</td>${money(x.takingsFen)}</tr>`;
  const foot = g.refundedFen === null ? '' : `<p>${esc(L.refundedLines)}: ${esc(formatYuan(-g.refundedFen))} &nbsp; ${esc(L.typed)}: ${esc(formatYuan(g.typedFen ?? 0))}</p>`;
  return `<h2>${esc(L.goods)}</h2>
<table class="goods-top">${head(L.topItems)}<tbody>${g.topItems.map((i) => row(i.code ? `${i.name} (${i.code})` : i.name, i)).join('')}</tbody></table>
<table class="goods-categories" style="margin-top:3mm">${head(L.byCategory)}<tbody>${g.categories.map((c) => row(c.category || L.uncategorised, c)).join('')}</tbody></table>
${foot}`;
}

/**
 * A self-contained HTML page of the report (inline CSS and SVG, no script, no external resource),
 * styled for A4 print: what the PDF export renders. Chinese labels by default, English available.
 */
export function renderReportHtml(report: ShiftReport, locale: Locale = 'zh-CN', opts: ExportOptions = {}): string {
  const L = docLabels(locale);
  const X = EXTRA[locale];
  const time = (iso: string | null) => (iso ? formatLocalTime(iso, opts.timeZone) : L.stillOpen);
  // A hidden amount (null in a blind report) reads as words, never 0.00.
  const yuan = (f: Fen | null) => (f === null ? `<td class="num hidden">${esc(L.hidden)}</td>` : `<td class="num">${esc(formatYuan(f))}</td>`);
  const neg = (f: Fen | null) => yuan(f === null ? null : -f);
  const td = (s: string) => `<td>${esc(s)}</td>`;
  const num = (v: number) => `<td class="num">${v}</td>`;
  const facts: Array<[string, string]> = [];
  if (opts.shopName) facts.push([X.shop, opts.shopName]);
  if (opts.terminalId) facts.push([L.terminal, opts.terminalId]);
  facts.push([L.shift, report.shiftIds.length ? report.shiftIds.map((id) => `#${id}`).join(' ') : '—']);
  if (report.cashierId) facts.push([L.cashier, report.cashierId]);
  facts.push([L.from, time(report.from)], [L.to, time(report.to)]);
  if (opts.printedAt) facts.push([L.printed, time(opts.printedAt)]);
  const c = report.cash;
  const recount = report.blind ? null : recountLine(report.cash, locale);
  const rec = report.reconciliation;
  const recText = rec === null ? L.notReconciled : rec.matches ? L.matches : `${L.diffs}: ${rec.diffs.length}`;
  const num2 = (f: (x: ShiftReport['channels'][number]) => number) => report.channels.reduce((s, x) => s + f(x), 0);
  const sum = (f: (x: ShiftReport['channels'][number]) => Fen | null) => sumShown(report.channels.map(f));
  return `<!doctype html>
<html lang="${locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${esc(L[report.title])}${opts.shopName ? ` — ${esc(opts.shopName)}` : ''}</title>
<style>
  @page { size: A4; margin: 14mm 12mm; }
  * { box-sizing: border-box; }
  body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", sans-serif; font-size: 10.5pt; color: #111; margin: 0; }
  h1 { font-size: 18pt; margin: 0 0 4mm; }
  h2 { font-size: 12pt; margin: 6mm 0 2mm; border-bottom: 0.4mm solid #333; padding-bottom: 1mm; break-after: avoid; }
  table { border-collapse: collapse; width: 100%; }
  th, td { border: 0.2mm solid #999; padding: 1.2mm 2mm; text-align: left; vertical-align: top; }
  th { background: #eee; font-weight: 600; }
  td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
  tr { break-inside: avoid; }
  tfoot td { font-weight: 700; }
  .facts td:first-child { width: 30mm; color: #444; }
  .facts { width: auto; min-width: 90mm; }
  .status { font-weight: 700; padding: 2mm 3mm; border: 0.4mm solid; display: inline-block; }
  .status.ok { color: #0a6b2b; border-color: #0a6b2b; }
  .status.bad { color: #a30d0d; border-color: #a30d0d; }
  .chart text { font-size: 9pt; fill: #111; }
  .chart rect.pos { fill: #2f6fb0; }
  .chart rect.neg { fill: #b03a2f; }
  .variance.bad { color: #a30d0d; font-weight: 700; }
  td.hidden { color: #555; font-style: italic; }
  td.recount { font-weight: 700; color: #a35a00; }
  .blind-note { font-weight: 700; padding: 2mm 3mm; border: 0.4mm dashed #555; display: inline-block; margin: 0 0 3mm; }
  .sign { margin-top: 12mm; display: flex; gap: 20mm; }
  .sign div { border-top: 0.3mm solid #333; width: 55mm; padding-top: 1mm; color: #444; }
  @media screen { body { margin: 8mm; } }
  @media print { body { -webkit-print-color-adjust: exact; print-color-adjust: exact; } }
</style>
</head>
<body>
<h1>${esc(L[report.title])}</h1>
${report.blind ? `<p class="blind-note">${esc(L.blindNote)}</p>` : ''}
<table class="facts">${facts.map(([k, v]) => `<tr>${td(k)}${td(v)}</tr>`).join('')}</table>

<h2>${esc(X.chart)}</h2>
${channelChart(report, locale)}

<h2>${esc(X.channel)}</h2>
<table class="channels">
<thead><tr><th>${esc(X.channel)}</th><th class="num">${esc(X.salesCount)}</th><th class="num">${esc(X.salesYuan)}</th><th class="num">${esc(X.refundsCount)}</th><th class="num">${esc(X.refundsYuan)}</th><th class="num">${esc(X.reversalsCount)}</th><th class="num">${esc(X.reversalsYuan)}</th><th class="num">${esc(X.netYuan)}</th></tr></thead>
<tbody>${report.channels.map((ch) => `<tr>${td(CHANNEL_NAMES[locale][ch.channel])}${num(ch.salesCount)}${yuan(ch.salesFen)}${num(ch.refundsCount)}${yuan(ch.refundsFen)}${num(ch.reversalsCount)}${yuan(ch.reversalsFen)}${yuan(ch.netFen)}</tr>`).join('')}</tbody>
<tfoot><tr>${td(X.total)}${num(num2((x) => x.salesCount))}${yuan(sum((x) => x.salesFen))}${num(num2((x) => x.refundsCount))}${yuan(sum((x) => x.refundsFen))}${num(num2((x) => x.reversalsCount))}${yuan(sum((x) => x.reversalsFen))}${yuan(report.totalNetFen)}</tr></tfoot>
</table>

${goodsHtml(report, L, X)}
<h2>${esc(L.cash)}</h2>
<table class="cash facts">
<tr>${td(L.float)}${yuan(c.floatFen)}</tr>
<tr>${td(L.cashSales)}${yuan(c.salesFen)}</tr>
<tr>${td(L.cashRefunds)}${neg(c.refundsFen)}</tr>
<tr>${td(L.cashIn)}${yuan(c.inFen)}</tr>
<tr>${td(L.cashOut)}${neg(c.outFen)}</tr>
<tr>${td(L.expected)}${yuan(c.expectedFen)}</tr>
<tr>${td(L.counted)}${c.countedFen === null ? td(L.notCounted) : yuan(c.countedFen)}</tr>
${c.varianceFen === null ? '' : `<tr>${td(L.variance)}<td class="num variance${c.varianceFen !== 0 ? ' bad' : ''}">${esc((c.varianceFen > 0 ? '+' : '') + formatYuan(c.varianceFen))}</td></tr>`}
${recount ? `<tr><td colspan="2" class="recount">${esc(recount)}</td></tr>` : ''}
</table>

<h2>${esc(L.openOrders)}: ${report.openOrders.length === 0 ? esc(L.none) : report.openOrders.length}</h2>
${report.openOrders.length === 0 ? '' : `<table class="open"><thead><tr><th>${esc(X.outTradeNo)}</th><th>${esc(X.channel)}</th><th>${esc(X.state)}</th><th class="num">${esc(X.yuan)}</th><th>${esc(X.createdAt)}</th></tr></thead><tbody>${report.openOrders.map((o) => `<tr>${td(o.outTradeNo)}${td(CHANNEL_NAMES[locale][o.channel])}${td(ORDER_STATE_NAMES[locale][o.state])}${yuan(o.amountFen)}${td(time(o.createdAt))}</tr>`).join('')}</tbody></table>`}

<h2>${esc(L.reconcile)}</h2>
<p><span class="status ${rec === null ? '' : rec.matches ? 'ok' : 'bad'}">${esc(recText)}</span>${rec && rec.checked !== undefined ? ` &nbsp; ${esc(L.checked)}: ${rec.checked}` : ''}${rec && rec.confirmed ? ` &nbsp; ${esc(L.confirmed)}: ${rec.confirmed}` : ''}</p>
${rec && rec.diffs.length > 0 ? `<table class="diffs"><thead><tr><th>${esc(X.outTradeNo)}</th><th>${esc(X.cause)}</th><th>${esc(L.journal)}</th><th>${esc(L.gateway)}</th></tr></thead><tbody>${rec.diffs.map((d) => `<tr>${td(d.outTradeNo)}${td(DIFF_CAUSE_NAMES[locale][d.cause])}${td(d.journal)}${td(d.gateway)}</tr>`).join('')}</tbody></table>` : ''}

<div class="sign"><div>${esc(L.cashier)}</div><div>${esc(L.managerSign)}</div></div>
</body>
</html>
`;
}
