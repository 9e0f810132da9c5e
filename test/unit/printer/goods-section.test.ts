// The goods section of the X / Z / 日结 report on paper (58 and 80 mm), in the CSV and the HTML
// the PDF is made from: top items and categories with quantity (pieces, kg) and takings; the blind
// report prints quantities and words, never an amount; a report without goods has no section;
// a blind report carrying goods takings is refused before it is printed.
import { describe, expect, it } from 'vitest';
import { decodeToPrinted } from '../../../electron/printer/decode.js';
import { normalizeDoc, renderDoc, type PrintDoc } from '../../../electron/printer/documents.js';
import { PAPER_COLUMNS, type PaperWidth } from '../../../electron/printer/layout.js';
import { renderReportHtml, reportToCsv } from '../../../electron/shift/export.js';
import { blindReport } from '../../../electron/shift/report.js';
import { blindGoods } from '../../../electron/goods/report.js';
import type { FullShiftReport } from '../../../shared/ipc/contract.js';
import type { GoodsFigures } from '../../../shared/ipc/goods.js';
import { reportDoc, zReport } from '../../fixtures/printer/docs.js';

const goods: GoodsFigures = {
  topItems: [
    { name: '红富士苹果（精品礼盒装特大果）', code: 'A2', qty: 3, weightG: 0, takingsFen: 3897 },
    { name: '散装大米', code: 'W1', qty: 0, weightG: 1250, takingsFen: 750 },
    { name: '可口可乐 500ml', code: 'A1', qty: 2, weightG: 0, takingsFen: 700 },
  ],
  categories: [
    { category: '水果', qty: 3, weightG: 0, takingsFen: 3897 },
    { category: '粮油', qty: 0, weightG: 1250, takingsFen: 750 },
    { category: '', qty: 2, weightG: 0, takingsFen: 700 },
  ],
  typedFen: 2000,
  refundedFen: 350,
};
const withGoods: FullShiftReport = { ...zReport, goods };
const xWithGoods: FullShiftReport = { ...withGoods, title: 'X', to: null, cash: { ...zReport.cash, countedFen: null, varianceFen: null } };

function print(doc: PrintDoc, paper: PaperWidth) {
  const n = normalizeDoc(doc);
  if (!n.ok) throw new Error(JSON.stringify(n.issues));
  const p = decodeToPrinted(renderDoc(n.doc, { paper, timeZone: 'Asia/Shanghai' }));
  expect(p.problems).toEqual([]);
  for (const l of p.lines) expect(l.columns, `line "${l.text}"`).toBeLessThanOrEqual(PAPER_COLUMNS[paper]);
  return p;
}

describe.each(['58mm', '80mm'] as PaperWidth[])('goods on the %s report', (paper) => {
  it('top items and categories with quantity and takings, refunded lines and typed amounts', () => {
    const p = print(reportDoc(withGoods), paper);
    const g = p.text.slice(p.text.indexOf('商品销售'), p.text.indexOf('钱箱'));
    expect(g).toMatch(/热销商品:\n +红富士苹果/);
    expect(g).toMatch(/\b3 +38\.97\n/);
    expect(g).toMatch(/散装大米\s+1\.250 kg +7\.50\n/);
    expect(g).toMatch(/分类:\n +水果 +3 +38\.97\n +粮油 +1\.250 kg +7\.50\n +未分类 +2 +7\.00\n/);
    expect(g).toMatch(/已退商品（已扣除） +-3\.50/);
    expect(g).toMatch(/直接输入金额（无商品行） +20\.00/);
    // After the channels' total, before the drawer.
    expect(p.text.indexOf('合计净额')).toBeLessThan(p.text.indexOf('商品销售'));
  });

  it('blind: the quantities, and words where the takings would be', () => {
    const p = print(reportDoc(blindReport(xWithGoods)), paper);
    const g = p.text.slice(p.text.indexOf('商品销售'), p.text.indexOf('钱箱'));
    expect(g).toMatch(/水果 +3\n/);
    expect(g).toMatch(/散装大米\s+1\.250 kg\n/);
    expect(g).not.toMatch(/38\.97|7\.50|20\.00|3\.50/);
    expect(g.replace(/\s+/g, '')).toContain('销售额:盲点收银：交班时显示');
  });

  it('no goods sold: no section', () => {
    expect(print(reportDoc(zReport), paper).text).not.toContain('商品销售');
  });
});

describe('goods in the report exports and checks', () => {
  it('CSV: a goods table with code, pieces, grams and yuan; blind: words, never an amount', () => {
    const csv = reportToCsv(withGoods);
    expect(csv).toContain('商品销售\r\n项目,货号,数量,重量(克),销售额(元)\r\n热销商品\r\n');
    expect(csv).toContain('散装大米,W1,0,1250,7.50\r\n');
    expect(csv).toContain('未分类,,2,0,7.00\r\n');
    expect(csv).toContain('已退商品（已扣除）,,,,-3.50\r\n');
    const blind = reportToCsv(blindReport(xWithGoods));
    expect(blind).toContain('水果,,3,0,盲点收银：交班时显示\r\n');
    expect(reportToCsv(zReport)).not.toContain('商品销售');
  });

  it('HTML (the PDF): both tables with kg and takings', () => {
    const html = renderReportHtml(withGoods);
    expect(html).toContain('<h2>商品销售</h2>');
    expect(html).toContain('<tr><td>散装大米 (W1)</td><td class="num">1.250 kg</td><td class="num">7.50</td></tr>');
    expect(renderReportHtml(blindReport(xWithGoods))).toContain('<td>水果</td><td class="num">3</td><td class="num hidden">');
    expect(renderReportHtml(zReport)).not.toContain('商品销售');
  });

  it('a blind report with goods takings, or a full one without them, is refused', () => {
    const leaked = { ...blindReport(xWithGoods), goods: { ...blindGoods(goods), typedFen: 2000 } };
    const r = normalizeDoc(reportDoc(leaked as never));
    expect(!r.ok && r.issues.map((i) => i.path)).toContain('report.goods.typedFen');
    const hidden = normalizeDoc(reportDoc({ ...withGoods, goods: { ...goods, refundedFen: null } } as never));
    expect(!hidden.ok && hidden.issues.map((i) => i.path)).toContain('report.goods.refundedFen');
  });
});
