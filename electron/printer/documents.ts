// The documents the till prints: sale receipt, refund slip, X/Z/day report.
//
// A document is plain data (PrintDoc), validated by a zod schema so a bad document is refused
// with the field and the rule, before anything is journaled or sent. The same data is kept in the
// print-job journal, so a failed job is re-rendered identically and a receipt can be reprinted
// from history. Payment codes / payer ids are masked (maskCode) when the document is normalised,
// i.e. before it is journaled: the journal never holds a whole payment code.
import { z } from 'zod';
import { formatYuan, type Fen } from '../../shared/money.js';
import { maskCode } from '../../shared/paycode.js';
import { ATTEMPT_STATES, PAY_CHANNELS, type AttemptState, type PayChannel } from '../../shared/payment.js';
import type { ReconcileDiff, ShiftReport } from '../../shared/ipc/contract.js';
import { DEFAULT_DRAWER_PULSE, EscPosWriter, type DrawerPulse } from './escpos.js';
import { PAPER_COLUMNS, cells, leftRight, ruleLine, textColumns, wrapColumns, type PaperWidth } from './layout.js';

export type Locale = 'zh-CN' | 'en';

// ---------- schemas ----------
const fen = z.number().int('must be a whole number of fen').safe();
const isoTime = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'must be an ISO date-time');
const outTradeNo = z.string().regex(/^[A-Za-z0-9_]{1,64}$/, 'must be 1–64 of [A-Za-z0-9_]');
const label = (max: number) => z.string().max(max, `must be at most ${max} characters`);
const channel = z.enum(PAY_CHANNELS as [PayChannel, ...PayChannel[]]);

export const receiptSchema = z.object({
  shopName: label(64).min(1, 'must not be empty'),
  terminalId: label(32),
  cashierId: label(32),
  cashierName: label(32).nullish(),
  /** When the sale was paid. */
  at: isoTime,
  lines: z
    .array(z.object({ name: label(64).min(1, 'must not be empty'), qty: z.number().int().min(1).max(9999), unitFen: fen.min(0) }))
    .max(200, 'must be at most 200 lines'),
  amountFen: fen.min(1, 'must be at least 0.01 yuan'),
  channel,
  method: label(40).nullish(),
  outTradeNo,
  tradeNo: label(64).nullable(),
  /** Payment code or payer account; masked before it is journaled or printed. */
  payer: label(64).nullable(),
  tenderedFen: fen.min(0).nullish(),
  changeFen: fen.min(0).nullish(),
  note: label(200).nullish(),
});
export type ReceiptData = z.infer<typeof receiptSchema>;

export const refundSlipSchema = z.object({
  shopName: label(64).min(1, 'must not be empty'),
  terminalId: label(32),
  cashierId: label(32),
  cashierName: label(32).nullish(),
  at: isoTime,
  channel,
  outTradeNo,
  tradeNo: label(64).nullable(),
  outRefundNo: z.string().regex(/^[A-Za-z0-9_]{1,64}$/, 'must be 1–64 of [A-Za-z0-9_]'),
  refundFen: fen.min(1, 'must be at least 0.01 yuan'),
  originalFen: fen.min(1, 'must be at least 0.01 yuan'),
  state: z.enum(['created', 'processing', 'succeeded', 'failed']),
  reason: label(200).nullish(),
});
export type RefundSlipData = z.infer<typeof refundSlipSchema>;

const orderRowSchema = z.object({
  outTradeNo: z.string(),
  saleId: z.number().int(),
  kind: z.enum(['scan', 'qr', 'cash']),
  channel,
  method: z.string(),
  amountFen: fen,
  refundedFen: fen,
  state: z.enum(ATTEMPT_STATES),
  tradeNo: z.string().nullable(),
  createdAt: z.string(),
});

const channelTotalsSchema = z.object({
  channel,
  salesCount: z.number().int().min(0),
  salesFen: fen,
  refundsCount: z.number().int().min(0),
  refundsFen: fen,
  reversalsCount: z.number().int().min(0),
  reversalsFen: fen,
  netFen: fen,
});

const reconciliationSchema = z
  .object({
    matches: z.boolean(),
    diffs: z.array(
      z.object({
        outTradeNo: z.string(),
        cause: z.enum(['paid_at_gateway_not_here', 'amount_differs', 'refunded_elsewhere', 'state_differs', 'missing_at_gateway', 'not_checked']),
        journal: z.string(),
        gateway: z.string(),
      }),
    ),
    checked: z.number().int().min(0).optional(),
    confirmed: z.number().int().min(0).optional(),
  })
  .nullable();

function checkReconciliation(r: { reconciliation: z.infer<typeof reconciliationSchema> }, ctx: z.RefinementCtx): void {
  if (r.reconciliation && r.reconciliation.matches !== (r.reconciliation.diffs.length === 0)) {
    ctx.addIssue({ code: 'custom', path: ['reconciliation', 'matches'], message: 'must be true exactly when there are no diffs' });
  }
}

const fullReportSchema = z
  .object({
    title: z.enum(['X', 'Z', 'DAY']),
    blind: z.literal(false),
    shiftIds: z.array(z.number().int()),
    from: z.string(),
    to: z.string().nullable(),
    cashierId: z.string().nullable(),
    channels: z.array(channelTotalsSchema),
    totalNetFen: fen,
    cash: z.object({
      floatFen: fen,
      salesFen: fen,
      refundsFen: fen,
      inFen: fen,
      outFen: fen,
      expectedFen: fen,
      countedFen: fen.nullable(),
      varianceFen: fen.nullable(),
      // The counts of the close (Z only; a Z closed before they were recorded has none).
      counts: z.number().int().min(1).optional(),
      firstCountedFen: fen.min(0).optional(),
      firstVarianceFen: fen.optional(),
    }),
    openOrders: z.array(orderRowSchema),
    reconciliation: reconciliationSchema,
  })
  .superRefine((r, ctx) => {
    // The printed report must add up: the owner checks it with a pencil.
    r.channels.forEach((c, i) => {
      if (c.netFen !== c.salesFen - c.refundsFen - c.reversalsFen) {
        ctx.addIssue({ code: 'custom', path: ['channels', i, 'netFen'], message: 'must equal salesFen − refundsFen − reversalsFen' });
      }
    });
    const sum = r.channels.reduce((s, c) => s + c.netFen, 0);
    if (sum !== r.totalNetFen) ctx.addIssue({ code: 'custom', path: ['totalNetFen'], message: 'must equal the sum of the channels’ netFen' });
    const c = r.cash;
    if (c.expectedFen !== c.floatFen + c.salesFen - c.refundsFen + c.inFen - c.outFen) {
      ctx.addIssue({ code: 'custom', path: ['cash', 'expectedFen'], message: 'must equal float + sales − refunds + in − out' });
    }
    if (c.countedFen !== null && c.varianceFen !== c.countedFen - c.expectedFen) {
      ctx.addIssue({ code: 'custom', path: ['cash', 'varianceFen'], message: 'must equal countedFen − expectedFen' });
    }
    // The first count goes with the number of counts, on a counted Z report only; with one count
    // it IS the count (a report saying otherwise would hide or invent a recount).
    const firsts = [c.counts, c.firstCountedFen, c.firstVarianceFen].filter((v) => v !== undefined).length;
    if (firsts !== 0 && firsts !== 3) ctx.addIssue({ code: 'custom', path: ['cash', 'counts'], message: 'counts, firstCountedFen and firstVarianceFen go together' });
    if (firsts === 3 && (r.title !== 'Z' || c.countedFen === null)) ctx.addIssue({ code: 'custom', path: ['cash', 'counts'], message: 'only a counted Z report carries its counts' });
    if (c.counts === 1 && (c.firstCountedFen !== c.countedFen || c.firstVarianceFen !== c.varianceFen)) {
      ctx.addIssue({ code: 'custom', path: ['cash', 'firstCountedFen'], message: 'with one count, the first count is the count' });
    }
    checkReconciliation(r, ctx);
  });

const hidden = z.null({ error: 'must be null in a blind report (hidden until the blind count)' });
const blindReportSchema = z
  .object({
    // A Z report is counted already: it is never blind.
    title: z.enum(['X', 'DAY']),
    blind: z.literal(true),
    shiftIds: z.array(z.number().int()),
    from: z.string(),
    to: z.string().nullable(),
    cashierId: z.string().nullable(),
    channels: z.array(
      z.object({
        channel,
        salesCount: z.number().int().min(0),
        salesFen: fen.nullable(),
        refundsCount: z.number().int().min(0),
        refundsFen: fen.nullable(),
        reversalsCount: z.number().int().min(0),
        reversalsFen: fen.nullable(),
        netFen: fen.nullable(),
      }),
    ),
    totalNetFen: hidden,
    cash: z.object({
      floatFen: hidden,
      salesFen: hidden,
      refundsFen: hidden,
      inFen: hidden,
      outFen: hidden,
      expectedFen: hidden,
      countedFen: hidden,
      varianceFen: hidden,
    }),
    openOrders: z.array(orderRowSchema),
    reconciliation: reconciliationSchema,
  })
  .superRefine((r, ctx) => {
    // Cash amounts hidden, every other channel's shown and adding up: a blind report that
    // carried the drawer (or hid a card sale) would be a bug, refused before it is printed.
    r.channels.forEach((c, i) => {
      const amounts = [c.salesFen, c.refundsFen, c.reversalsFen, c.netFen];
      if (c.channel === 'cash') {
        if (amounts.some((a) => a !== null)) ctx.addIssue({ code: 'custom', path: ['channels', i], message: 'cash amounts must be null in a blind report' });
      } else if (c.salesFen === null || c.refundsFen === null || c.reversalsFen === null || c.netFen === null) {
        ctx.addIssue({ code: 'custom', path: ['channels', i], message: 'only the cash channel’s amounts are hidden' });
      } else if (c.netFen !== c.salesFen - c.refundsFen - c.reversalsFen) {
        ctx.addIssue({ code: 'custom', path: ['channels', i, 'netFen'], message: 'must equal salesFen − refundsFen − reversalsFen' });
      }
    });
    checkReconciliation(r, ctx);
  });

/**
 * A report (full or blind, told apart by `blind`). A report stored before the blind X report
 * existed has no `blind`: it is full (every such report was built with every figure).
 */
export const shiftReportSchema: z.ZodType<ShiftReport> = z.preprocess(
  (v) => (v !== null && typeof v === 'object' && !('blind' in v) ? { ...v, blind: false } : v),
  z.discriminatedUnion('blind', [fullReportSchema, blindReportSchema]),
) as unknown as z.ZodType<ShiftReport>;

export const printDocSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('receipt'), receipt: receiptSchema, reprint: z.boolean().optional() }),
  z.object({ kind: z.literal('refund'), refund: refundSlipSchema, reprint: z.boolean().optional() }),
  z.object({
    kind: z.literal('report'),
    report: shiftReportSchema,
    shopName: label(64).min(1, 'must not be empty'),
    terminalId: label(32),
    printedAt: isoTime,
    reprint: z.boolean().optional(),
  }),
]);
export type PrintDoc = z.infer<typeof printDocSchema>;
export type PrintDocKind = PrintDoc['kind'];

export interface DocIssue {
  path: string;
  message: string;
}

/** Validates a document and masks its payer: the form that is journaled and rendered. */
export function normalizeDoc(input: unknown): { ok: true; doc: PrintDoc } | { ok: false; issues: DocIssue[] } {
  const parsed = printDocSchema.safeParse(input);
  if (!parsed.success) {
    return { ok: false, issues: parsed.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message })) };
  }
  const doc = parsed.data;
  if (doc.kind === 'receipt' && doc.receipt.payer !== null) {
    return { ok: true, doc: { ...doc, receipt: { ...doc.receipt, payer: maskCode(doc.receipt.payer) } } };
  }
  return { ok: true, doc };
}

/** The journal key of a document: what a reprint looks it up by. */
export function docRef(doc: PrintDoc): string {
  switch (doc.kind) {
    case 'receipt':
      return doc.receipt.outTradeNo;
    case 'refund':
      return doc.refund.outRefundNo;
    case 'report':
      return doc.report.title === 'DAY' ? `DAY:${doc.report.from.slice(0, 10)}` : `${doc.report.title}:${doc.report.shiftIds.join(',')}`;
  }
}

// ---------- labels ----------
const LABELS = {
  'zh-CN': {
    receipt: '销售小票', refundSlip: '退款单', reprint: '** 重印 **', terminal: '终端', cashier: '收银员', time: '时间',
    item: '商品', qty: '数量', unit: '单价', amount: '金额', adjust: '调整', total: '合计', channel: '支付方式',
    tendered: '实收', change: '找零', outTradeNo: '商户单号', tradeNo: '交易单号', payer: '付款账号', note: '备注',
    thanks: '谢谢惠顾', outRefundNo: '退款单号', original: '原订单金额', refund: '退款金额', reason: '原因',
    state: '状态', signature: '顾客签名', X: 'X 报表（当班）', Z: '交班报表（Z）', DAY: '日结报表', shift: '班次',
    from: '开始', to: '结束', printed: '打印', sales: '销售', refunds: '退款', reversals: '撤销', net: '净额',
    count: '笔', totalNet: '合计净额', cash: '钱箱', float: '备用金', cashSales: '现金销售', cashRefunds: '现金退款',
    cashIn: '存入', cashOut: '取出', expected: '应有现金', counted: '实点现金', variance: '差额', notCounted: '未清点',
    openOrders: '未完成订单', none: '无', reconcile: '与网关对账', notReconciled: '未对账', matches: '与网关核对一致，精确到分',
    diffs: '差异', journal: '本机', gateway: '网关', checked: '已核对订单', confirmed: '网关已确认（未再查询）', moreDiffs: '……另有 {n} 笔差异，见屏幕或 CSV', noSales: '无交易', stillOpen: '（未结束）', managerSign: '店长签名',
    hidden: '盲点收银：交班时显示', blindNote: '盲点收银：现金金额交班清点后显示',
    firstCount: '首次清点', timesCounted: '清点次数', recount: '首次清点 {first} · 清点 {n} 次',
  },
  en: {
    receipt: 'SALES RECEIPT', refundSlip: 'REFUND SLIP', reprint: '** REPRINT **', terminal: 'Terminal', cashier: 'Cashier', time: 'Time',
    item: 'Item', qty: 'Qty', unit: 'Price', amount: 'Amount', adjust: 'Adjustment', total: 'TOTAL', channel: 'Paid by',
    tendered: 'Tendered', change: 'Change', outTradeNo: 'Order no', tradeNo: 'Trade no', payer: 'Payer', note: 'Note',
    thanks: 'Thank you', outRefundNo: 'Refund no', original: 'Original', refund: 'Refund', reason: 'Reason',
    state: 'State', signature: 'Customer signature', X: 'X REPORT (shift)', Z: 'Z REPORT (shift close)', DAY: 'DAY REPORT', shift: 'Shift',
    from: 'From', to: 'To', printed: 'Printed', sales: 'Sales', refunds: 'Refunds', reversals: 'Reversals', net: 'Net',
    count: '', totalNet: 'TOTAL NET', cash: 'Cash drawer', float: 'Float', cashSales: 'Cash sales', cashRefunds: 'Cash refunds',
    cashIn: 'Cash in', cashOut: 'Cash out', expected: 'Expected', counted: 'Counted', variance: 'Variance', notCounted: 'not counted',
    openOrders: 'Open orders', none: 'none', reconcile: 'Gateway reconciliation', notReconciled: 'not reconciled', matches: 'matches the gateway to the fen',
    diffs: 'Differences', journal: 'here', gateway: 'gateway', checked: 'Orders checked', confirmed: 'Confirmed by the gateway (not asked again)', moreDiffs: '… {n} more differences: see the screen or the CSV', noSales: 'no transactions', stillOpen: '(open)', managerSign: 'Manager signature',
    hidden: 'hidden until the blind count', blindNote: 'Blind count: cash figures are shown after the count at close',
    firstCount: 'First count', timesCounted: 'Times counted', recount: 'first count {first} · counted {n} times',
  },
} as const;
type Labels = { [K in keyof (typeof LABELS)['zh-CN']]: string };

/** The document labels of a locale (the CSV / HTML exports use the same words as the paper). */
/**
 * "首次清点 ¥80.00 · 清点 2 次" when the close took more than one count (the cashier counted again
 * after seeing the expected amount); null otherwise (one count, or a report without counts).
 */
export function recountLine(cash: { counts?: number; firstCountedFen?: Fen }, locale: Locale): string | null {
  if (cash.counts === undefined || cash.counts < 2 || cash.firstCountedFen === undefined) return null;
  return LABELS[locale].recount.replace('{first}', `¥${formatYuan(cash.firstCountedFen)}`).replace('{n}', String(cash.counts));
}

export function docLabels(locale: Locale): Labels {
  return LABELS[locale];
}

export const CHANNEL_NAMES: Record<Locale, Record<PayChannel, string>> = {
  'zh-CN': { weixin: '微信支付', alipay: '支付宝', qq: 'QQ钱包', jd: '京东支付', unionpay: '银联', cash: '现金' },
  en: { weixin: 'WeChat Pay', alipay: 'Alipay', qq: 'QQ Wallet', jd: 'JD Pay', unionpay: 'UnionPay', cash: 'Cash' },
};

export const DIFF_CAUSE_NAMES: Record<Locale, Record<ReconcileDiff['cause'], string>> = {
  'zh-CN': {
    paid_at_gateway_not_here: '网关已支付，本机未记为支付',
    amount_differs: '金额不符',
    refunded_elsewhere: '在别处退款',
    state_differs: '状态不符',
    missing_at_gateway: '网关无此订单',
    not_checked: '未能核对（网关无应答）',
  },
  en: {
    paid_at_gateway_not_here: 'paid at the gateway but not here',
    amount_differs: 'amount differs',
    refunded_elsewhere: 'refunded elsewhere',
    state_differs: 'state differs',
    missing_at_gateway: 'not found at the gateway',
    not_checked: 'not checked (no answer from the gateway)',
  },
};

export const ORDER_STATE_NAMES: Record<Locale, Record<AttemptState, string>> = {
  'zh-CN': { created: '已创建', pending: '待确认', reversing: '撤销中', paid: '已支付', declined: '已拒绝', closed: '已关闭', refunded: '已撤销退款', paid_after_close: '关闭后到账，待退款' },
  en: { created: 'created', pending: 'pending', reversing: 'reversing', paid: 'paid', declined: 'declined', closed: 'closed', refunded: 'reversed', paid_after_close: 'paid after close, refund owed' },
};

const REFUND_STATE_NAMES: Record<Locale, Record<RefundSlipData['state'], string>> = {
  'zh-CN': { created: '已提交', processing: '处理中', succeeded: '退款成功', failed: '退款失败' },
  en: { created: 'submitted', processing: 'processing', succeeded: 'refunded', failed: 'failed' },
};

/** yyyy-MM-dd HH:mm:ss in the given IANA time zone (the machine's when absent). */
export function formatLocalTime(iso: string, timeZone?: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23',
  }).formatToParts(d);
  const p = (t: string) => parts.find((x) => x.type === t)?.value ?? '00';
  return `${p('year')}-${p('month')}-${p('day')} ${p('hour')}:${p('minute')}:${p('second')}`;
}

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
  const L: Labels = LABELS[o.locale];
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

function renderRefund(r: RefundSlipData, reprint: boolean, o: Required<Omit<RenderOptions, 'timeZone' | 'drawer'>> & RenderOptions): Buffer {
  const L: Labels = LABELS[o.locale];
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
  const L: Labels = LABELS[o.locale];
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
