import { describe, expect, it } from 'vitest';
import { decodeToPrinted, type PrintedDoc } from '../../../electron/printer/decode.js';
import { formatLocalTime, normalizeDoc, renderDoc, docRef, type PrintDoc, type RenderOptions } from '../../../electron/printer/documents.js';
import { PAPER_COLUMNS, type PaperWidth } from '../../../electron/printer/layout.js';
import { cashReceipt, lineRefundSlip, matchingZReport, receiptDoc, refundDoc, refundSlip, reportDoc, weixinReceipt, WEIXIN_CODE, zReport } from '../../fixtures/printer/docs.js';

const TZ = 'Asia/Shanghai';
const PAPERS: PaperWidth[] = ['58mm', '80mm'];

function print(doc: PrintDoc, paper: PaperWidth, extra: Partial<RenderOptions> = {}): PrintedDoc {
  const n = normalizeDoc(doc);
  if (!n.ok) throw new Error(JSON.stringify(n.issues));
  const printed = decodeToPrinted(renderDoc(n.doc, { paper, timeZone: TZ, ...extra }));
  // Every job: starts from ESC @, Chinese mode on, nothing the decoder does not know, one cut,
  // and no line wider than the paper.
  expect(printed.startsWithInit).toBe(true);
  expect(printed.problems).toEqual([]);
  expect(printed.textOutsideChineseMode).toBe(false);
  expect(printed.cuts).toBe(1);
  for (const l of printed.lines) expect(l.columns, `line "${l.text}"`).toBeLessThanOrEqual(PAPER_COLUMNS[paper]);
  return printed;
}

function lineWith(p: PrintedDoc, needle: string) {
  const l = p.lines.find((x) => x.text.includes(needle));
  if (!l) throw new Error(`no line contains ${needle}:\n${p.text}`);
  return l;
}

describe.each(PAPERS)('receipt on %s paper', (paper) => {
  it('carries shop, terminal, cashier, time, lines, total, channel, order numbers and the masked payer', () => {
    const p = print(receiptDoc(), paper);
    expect(lineWith(p, '好邻居便利店')).toMatchObject({ align: 'center', bold: true, width: 2, height: 2 });
    expect(p.text).toContain('销售小票');
    expect(p.text).toContain('终端: T001');
    expect(p.text).toContain('收银员: C07 王小明');
    expect(p.text).toContain('时间: 2026-11-24 13:30:15');
    expect(p.text).toContain('农夫山泉 550ml');
    expect(lineWith(p, '合计')).toMatchObject({ bold: true, height: 2 });
    expect(lineWith(p, '合计').text).toMatch(/合计 +21\.00$/);
    expect(p.text).toContain('支付方式: 微信支付');
    expect(p.text.replace(/\n/g, '')).toContain('P20261124133015T001A0001');
    expect(p.text.replace(/\n/g, '')).toContain('4200001234202611241234567890');
    expect(p.text).toContain('1345**********6789');
    expect(p.text).not.toContain(WEIXIN_CODE);
    expect(p.qrCodes).toEqual(['P20261124133015T001A0001']);
    expect(p.drawerKicks).toEqual([]); // not cash: the drawer stays shut
  });

  it('item amounts are qty × price and the long name wraps inside the paper', () => {
    const p = print(receiptDoc(), paper);
    expect(p.text).toMatch(/2 +2\.00 +4\.00|2 x 2\.00 +4\.00/);
    expect(p.text).toMatch(/3 +3\.50 +10\.50|3 x 3\.50 +10\.50/);
    expect(p.text.replace(/\n/g, '')).toContain('康师傅红烧牛肉面（经典桶装，加量不加价）');
  });

  it('a cash sale kicks the drawer once, before the text, and shows tendered and change', () => {
    const p = print(receiptDoc(cashReceipt), paper);
    expect(p.drawerKicks).toEqual([{ pin: 2, onMs: 100, offMs: 500 }]);
    expect(p.events.findIndex((e) => e.kind === 'drawer')).toBeLessThan(p.events.findIndex((e) => e.kind === 'line'));
    expect(p.text).toMatch(/实收 +50\.00/);
    expect(p.text).toMatch(/找零 +30\.01/);
    expect(p.text).toContain('支付方式: 现金');
    expect(p.text).not.toContain('交易单号');
  });

  it('a reprint of a cash sale says 重印 and does not open the drawer', () => {
    const p = print({ kind: 'receipt', receipt: cashReceipt, reprint: true }, paper);
    expect(p.drawerKicks).toEqual([]);
    expect(lineWith(p, '重印')).toMatchObject({ align: 'center', bold: true });
  });

  it('no drawer attached (drawer: null) or a late retry (kickDrawer: false): no pulse', () => {
    expect(print(receiptDoc(cashReceipt), paper, { drawer: null }).drawerKicks).toEqual([]);
    expect(print(receiptDoc(cashReceipt), paper, { kickDrawer: false }).drawerKicks).toEqual([]);
  });

  it('lines that do not add up to the amount get an adjustment line, so the receipt adds up', () => {
    const p = print(receiptDoc({ ...weixinReceipt, amountFen: 2000 }), paper);
    expect(p.text).toMatch(/调整 +-1\.00/);
    expect(lineWith(p, '合计').text).toMatch(/20\.00$/);
  });

  it('English labels on request', () => {
    const p = print(receiptDoc(), paper, { locale: 'en' });
    expect(p.text).toMatch(/TOTAL +21\.00/);
    expect(p.text).toContain('Paid by: WeChat Pay');
  });
});

describe.each(PAPERS)('refund slip on %s paper', (paper) => {
  it('shows the original order, the refund number and amount, the state and the reason; no drawer kick', () => {
    const p = print(refundDoc(), paper);
    expect(p.text).toContain('退款单');
    expect(p.text).toContain('支付方式: 支付宝');
    expect(p.text.replace(/\n/g, '')).toContain('R20261124140000T001A0003');
    expect(p.text).toMatch(/原订单金额 +21\.00/);
    expect(lineWith(p, '退款金额')).toMatchObject({ bold: true, height: 2 });
    expect(lineWith(p, '退款金额').text).toMatch(/10\.50$/);
    expect(p.text).toContain('状态: 退款成功');
    expect(p.text).toContain('顾客退货：包装破损');
    expect(p.text).toContain('顾客签名');
    expect(p.drawerKicks).toEqual([]);
    // A refund by amount has no goods lines.
    expect(p.text).not.toContain('退货商品');
  });

  it('a refund by goods line lists each line given back: name, quantity (weight for a weighed line), amount in yuan', () => {
    const p = print(refundDoc(lineRefundSlip), paper);
    expect(p.text).toContain('退货商品:');
    // On one line where the name fits its column (80 mm); else the name, its numbers under it.
    expect(p.text).toMatch(paper === '80mm' ? /^可口可乐 500ml +2 +7\.00$/m : /^可口可乐 500ml\n +2 +7\.00$/m);
    expect(p.text).toMatch(/^散装大米 +1\.300 kg +7\.80$/m);
    // Too long for its column on any paper: wrapped on lines of its own, its numbers under it.
    expect(p.text).toMatch(/^红富士苹果（山东烟台[\s\S]{0,40}85mm 以上）\n +1 +12\.99$/m);
    // The lines add up to the refund: no adjustment line; the amount is the bold one below.
    expect(p.text).not.toContain('调整');
    expect(lineWith(p, '退款金额').text).toMatch(/27\.79$/);
    expect(p.lines.findIndex((l) => l.text.includes('退货商品'))).toBeLessThan(p.lines.findIndex((l) => l.text.includes('退款金额')));
    if (paper === '80mm') expect(p.text).toMatch(/^商品 +数量 +金额$/m);
    else expect(p.text).not.toMatch(/^商品 +数量/m);
  });

  it('lines that do not come to the refund get an adjustment line; English labels on request', () => {
    const off = { ...lineRefundSlip, refundFen: lineRefundSlip.refundFen + 1 };
    expect(lineWith(print(refundDoc(off), paper), '调整').text).toMatch(/0\.01$/);
    const en = print(refundDoc(lineRefundSlip), paper, { locale: 'en' });
    expect(en.text).toContain('REFUND SLIP');
    expect(en.text).toContain('Items returned:');
    expect(en.text).toMatch(/^Refund +27\.79$/m);
  });
});

describe.each(PAPERS)('Z report on %s paper', (paper) => {
  it('per channel: sales, refunds, reversals and net with counts; channels without activity left out', () => {
    const p = print(reportDoc(), paper);
    expect(lineWith(p, '交班报表')).toMatchObject({ bold: true, width: 2 });
    expect(p.text).toContain('班次: #12');
    expect(p.text).toContain('开始: 2026-11-24 08:00:00');
    expect(p.text).toContain('结束: 2026-11-24 17:00:00');
    const wx = p.text.slice(p.text.indexOf('微信支付'));
    expect(wx).toMatch(/^微信支付\n +销售 120笔 +3456\.78\n +退款 2笔 +-10\.50\n +撤销 1笔 +-9\.99\n +净额 +3436\.29\n/);
    expect(p.text).toMatch(/银联\n +销售 1笔 +1000\.00/);
    expect(p.text).not.toContain('QQ钱包');
    expect(p.text).not.toContain('京东支付');
    expect(lineWith(p, '合计净额')).toMatchObject({ bold: true });
    expect(lineWith(p, '合计净额').text).toMatch(/7232\.29$/);
  });

  it('cash section: float, sales, refunds, in, out, expected, counted, variance', () => {
    const p = print(reportDoc(), paper);
    expect(p.text).toMatch(/备用金 +500\.00/);
    expect(p.text).toMatch(/现金销售 +456\.00/);
    expect(p.text).toMatch(/现金退款 +-5\.00/);
    expect(p.text).toMatch(/存入 +100\.00/);
    expect(p.text).toMatch(/取出 +-200\.00/);
    expect(p.text).toMatch(/应有现金 +851\.00/);
    expect(p.text).toMatch(/实点现金 +850\.00/);
    expect(lineWith(p, '差额')).toMatchObject({ bold: true });
    expect(lineWith(p, '差额').text).toMatch(/-1\.00$/);
  });

  it('lists reconciliation differences with their cause', () => {
    const p = print(reportDoc(), paper);
    expect(p.text).toMatch(/差异 +2/);
    expect(p.text).toContain('网关已支付，本机未记为支付');
    expect(p.text).toContain('金额不符');
    expect(p.text).toContain('网关: paid 10.01');
    expect(p.text).not.toContain('与网关核对一致');
  });

  it('says it matches the gateway to the fen when it does', () => {
    const p = print(reportDoc(matchingZReport), paper);
    expect(lineWith(p, '与网关核对一致')).toMatchObject({ bold: true });
    expect(p.text.replace(/\n/g, '')).toContain('与网关核对一致，精确到分');
  });

  it('a report without any sales says so; an unreconciled X report says not reconciled', () => {
    const empty = {
      ...zReport,
      title: 'X' as const,
      to: null,
      channels: zReport.channels.map((c) => ({ ...c, salesCount: 0, salesFen: 0, refundsCount: 0, refundsFen: 0, reversalsCount: 0, reversalsFen: 0, netFen: 0 })),
      totalNetFen: 0,
      cash: { floatFen: 10_000, salesFen: 0, refundsFen: 0, inFen: 0, outFen: 0, expectedFen: 10_000, countedFen: null, varianceFen: null },
      reconciliation: null,
    };
    const p = print(reportDoc(empty), paper);
    expect(p.text).toContain('X 报表（当班）');
    expect(p.text).toContain('无交易');
    expect(p.text).toContain('结束: （未结束）');
    expect(p.text).toMatch(/实点现金 +未清点/);
    expect(p.text).toContain('未对账');
  });
});

describe('documents are validated before anything is journaled', () => {
  it('names the field and the rule', () => {
    const r = normalizeDoc({ kind: 'receipt', receipt: { ...weixinReceipt, amountFen: 12.5, outTradeNo: 'bad-no!' } });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.issues).toContainEqual({ path: 'receipt.amountFen', message: 'must be a whole number of fen' });
    expect(r.issues).toContainEqual({ path: 'receipt.outTradeNo', message: 'must be 1–64 of [A-Za-z0-9_]' });
  });

  it('a report that does not add up is refused', () => {
    const bad = { ...zReport, totalNetFen: zReport.totalNetFen + 1 };
    const r = normalizeDoc(reportDoc(bad));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.issues).toContainEqual({ path: 'report.totalNetFen', message: 'must equal the sum of the channels’ netFen' });
    const badCash = { ...zReport, cash: { ...zReport.cash, varianceFen: 0 } };
    const r2 = normalizeDoc(reportDoc(badCash));
    expect(!r2.ok && r2.issues[0]!.path).toBe('report.cash.varianceFen');
  });

  it('masks the payer before the document is kept', () => {
    const r = normalizeDoc(receiptDoc());
    expect(r.ok && r.doc.kind === 'receipt' && r.doc.receipt.payer).toBe('1345**********6789');
    expect(JSON.stringify(r)).not.toContain(WEIXIN_CODE);
  });

  it('refund lines are optional, and a bad one is refused with its path', () => {
    expect(normalizeDoc(refundDoc(refundSlip))).toMatchObject({ ok: true });
    const bad = normalizeDoc(refundDoc({ ...lineRefundSlip, lines: [{ name: '可乐', qty: 0, amountFen: 1.5 }] }));
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.issues.map((i) => i.path)).toEqual(['refund.lines.0.qty', 'refund.lines.0.amountFen']);
  });

  it('refs: out_trade_no, out_refund_no, report keys', () => {
    expect(docRef(receiptDoc())).toBe('P20261124133015T001A0001');
    expect(docRef(refundDoc())).toBe('R20261124140000T001A0003');
    expect(docRef(reportDoc())).toBe('Z:12');
    expect(docRef(reportDoc({ ...zReport, title: 'DAY', shiftIds: [11, 12] }))).toBe('DAY:2026-11-24');
  });

  it('formats times in the given zone', () => {
    expect(formatLocalTime('2026-11-24T16:30:00Z', 'Asia/Shanghai')).toBe('2026-11-25 00:30:00');
  });
});
