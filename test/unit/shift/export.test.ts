import { describe, expect, it } from 'vitest';
import { renderReportHtml, reportToCsv } from '../../../electron/shift/export.js';
import { zReport, matchingZReport } from '../../fixtures/printer/docs.js';
import { formatYuan } from '../../../shared/money.js';

/** A small RFC 4180 reader for the checks. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += ch;
  }
  return rows;
}

describe('CSV export', () => {
  it('UTF-8 BOM, CRLF, exact yuan from fen in every amount cell', () => {
    const csv = reportToCsv(zReport, { timeZone: 'Asia/Shanghai', shopName: '好邻居', terminalId: 'T001' });
    expect(csv.startsWith('\uFEFF')).toBe(true);
    expect(csv.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    const rows = parseCsv(csv.slice(1));
    expect(rows[0]).toEqual(['报表', '交班报表（Z）']);
    expect(rows).toContainEqual(['开始', '2026-11-24 08:00:00']);
    const header = rows.findIndex((r) => r[0] === '渠道');
    expect(rows[header]).toEqual(['渠道', '销售笔数', '销售金额', '退款笔数', '退款金额', '撤销笔数', '撤销金额', '净额']);
    const byName = new Map(rows.slice(header + 1, header + 8).map((r) => [r[0], r]));
    for (const c of zReport.channels) {
      const name = { weixin: '微信支付', alipay: '支付宝', qq: 'QQ钱包', jd: '京东支付', unionpay: '银联', cash: '现金' }[c.channel];
      expect(byName.get(name)).toEqual([name, String(c.salesCount), formatYuan(c.salesFen), String(c.refundsCount), formatYuan(c.refundsFen), String(c.reversalsCount), formatYuan(c.reversalsFen), formatYuan(c.netFen)]);
    }
    expect(byName.get('合计')![7]).toBe('7232.29');
    expect(rows).toContainEqual(['差额', '-1.00']);
    expect(rows).toContainEqual(['与网关对账', '差异 2']);
    expect(rows).toContainEqual(['P20261124101010T001A0042', '网关已支付，本机未记为支付', 'closed', 'paid 12.34']);
  });

  it('quotes commas and quotes; text that looks like a formula cannot run in a spreadsheet', () => {
    const evil = { ...matchingZReport, cashierId: '=HYPERLINK("http://x","a,b")' };
    const rows = parseCsv(reportToCsv(evil, { bom: false, locale: 'en' }));
    expect(rows).toContainEqual(['Cashier', `'=HYPERLINK("http://x","a,b")`]);
    expect(rows).toContainEqual(['Gateway reconciliation', 'matches the gateway to the fen']);
  });
});

describe('HTML for PDF', () => {
  it('self-contained: inline style and SVG, no script, no external resource; escapes text', () => {
    const html = renderReportHtml({ ...zReport, cashierId: '<script>alert(1)</script>' }, 'zh-CN', { shopName: '好邻居 & 便利', timeZone: 'Asia/Shanghai' });
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('好邻居 &amp; 便利');
    expect(html).not.toMatch(/(src|href)=["']?https?:/i);
    expect(html).toContain('@page { size: A4');
    expect(html).toContain('<svg class="chart"');
    expect(html).toContain('<h1>交班报表（Z）</h1>');
    expect(html).toContain('<td class="num">7232.29</td>');
    expect(html).toContain('金额不符');
  });
  it('English on request', () => {
    const html = renderReportHtml(matchingZReport, 'en');
    expect(html).toContain('<html lang="en">');
    expect(html).toContain('Z REPORT (shift close)');
    expect(html).toContain('matches the gateway to the fen');
  });
});
