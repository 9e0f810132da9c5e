// The words of the printed documents in zh-CN and en (the CSV / HTML exports use the same), and
// the printed time. Split from documents.ts, which re-exports them.
import { formatYuan, type Fen } from '../../shared/money.js';
import type { AttemptState, PayChannel } from '../../shared/payment.js';
import type { ReconcileDiff } from '../../shared/ipc/contract.js';
import type { RefundSlipData } from './doc-schemas.js';

export type Locale = 'zh-CN' | 'en';

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
    goods: '商品销售', topItems: '热销商品', byCategory: '分类', uncategorised: '未分类', takings: '销售额',
    refundedLines: '已退商品（已扣除）', typed: '直接输入金额（无商品行）', returned: '退货商品',
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
    goods: 'Goods sold', topItems: 'Top items', byCategory: 'By category', uncategorised: 'uncategorised', takings: 'Takings',
    refundedLines: 'Refunded lines (taken off)', typed: 'Typed amounts (no lines)', returned: 'Items returned',
  },
} as const;
export type Labels = { [K in keyof (typeof LABELS)['zh-CN']]: string };

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

export const REFUND_STATE_NAMES: Record<Locale, Record<RefundSlipData['state'], string>> = {
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

