// The head office's page: the day report across tills (report.ts) and the central audit check,
// as one HTML document with no script (server.ts serves it).
import { formatYuan, type Fen } from '../../shared/money.js';
import { esc } from '../shift/export.js';
import { CHANNEL_NAMES } from '../printer/documents.js';
import type { AuditCheck } from '../journal/audit.js';
import type { HeadOfficeDayReport } from './report.js';

const y = (fen: Fen | null) => (fen === null ? '–' : formatYuan(fen));
const td = (v: string | number, cls = '') => `<td${cls ? ` class="${cls}"` : ''}>${esc(String(v))}</td>`;
const num = (v: string | number) => td(v, 'n');

const STYLE = `
body{font-family:"Noto Sans CJK SC","Microsoft YaHei",system-ui,sans-serif;margin:24px;color:#1f2937;background:#f8fafc}
h1{font-size:22px;margin:0 0 4px} h2{font-size:16px;margin:28px 0 8px;color:#334155}
.sub{color:#64748b;font-size:13px;margin-bottom:16px}
form{margin:8px 0 16px} input,button{font:inherit;padding:4px 8px}
table{border-collapse:collapse;background:#fff;box-shadow:0 1px 2px #0001;min-width:480px}
th,td{padding:6px 12px;border-bottom:1px solid #e2e8f0;text-align:left;font-size:14px} th{background:#f1f5f9;font-weight:600}
td.n{text-align:right;font-variant-numeric:tabular-nums} tr.total td{font-weight:700;border-top:2px solid #94a3b8}
.ok{color:#15803d} .bad{color:#b91c1c;font-weight:600} .warn{color:#b45309}
.big{font-size:28px;font-weight:700;margin:8px 0}
`;

export function reportPage(r: HeadOfficeDayReport, audit: { tillId: string; check: AuditCheck; heldUpTo: number }[]): string {
  const channelRows = r.channels.map((l) => `<tr>${td(CHANNEL_NAMES['zh-CN'][l.channel] ?? l.channel)}${num(l.salesCount)}${num(y(l.salesFen))}${num(l.refundsCount)}${num(y(l.refundsFen))}${num(l.reversalsCount)}${num(y(l.reversalsFen))}${num(y(l.netFen))}</tr>`);
  const tillRows = r.tills.map((t) => {
    const rec = t.paid === 0 ? '–' : `${t.confirmed}/${t.paid}`;
    const sync = t.lastPushAt ? new Date(t.lastPushAt).toLocaleString('zh-CN', { hour12: false }) : '从未';
    return `<tr>${td(t.shopId)}${td(t.tillId)}${num(y(t.netFen))}${num(rec)}${td(t.reconciliations === 0 ? '–' : `${t.reconciliationsMatched}/${t.reconciliations} 一致`, t.reconciliationsMatched < t.reconciliations ? 'bad' : '')}${num(t.rowsBehind)}${td(sync)}</tr>`;
  });
  const who = (c: HeadOfficeDayReport['cashiers'][number]) => (c.cashierId === '-' ? '（未开班的收款）' : `${c.name} (${c.cashierId})`);
  const cashierRows = r.cashiers.map((c) => `<tr>${td(c.tillId)}${td(who(c))}${num(c.orders)}${num(y(c.netFen))}</tr>`);
  const shiftRows = r.shifts.map((s) => `<tr>${td(s.tillId)}${td(`#${s.shiftId}`)}${td(s.cashierId)}${num(y(s.expectedFen))}${num(y(s.countedFen))}${td(y(s.varianceFen), s.varianceFen ? 'n bad' : 'n')}${td(s.closedAt ? (s.reason ?? '') : '未交班')}</tr>`);
  const auditRows = audit.map((a) => `<tr>${td(a.tillId)}${num(a.check.entries)}${num(a.heldUpTo)}${a.check.ok ? td('完整 intact', 'ok') : td(`第 ${a.check.firstBrokenSeq} 条起断开：${a.check.reason}`, 'bad')}</tr>`);
  const empty = (cols: number, rows: string[]) => (rows.length ? rows.join('') : `<tr><td colspan="${cols}">（无）</td></tr>`);
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>总部日报 ${esc(r.date)}</title>
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; form-action 'self'">
<style>${STYLE}</style></head><body>
<h1>总部日报 · Head office day report</h1>
<div class="sub">营业日 ${esc(r.date)} · 生成于 ${esc(new Date(r.generatedAt).toLocaleString('zh-CN', { hour12: false }))} · ${r.tills.length} 台收银机 / ${r.shops.length} 家门店</div>
<form method="get"><label>营业日 <input type="date" name="date" value="${esc(r.date)}"></label> <button>查看</button></form>
<div class="big">净收 ¥${esc(y(r.netFen))}</div>
<h2>按支付渠道</h2>
<table><tr><th>渠道</th><th>笔数</th><th>收款</th><th>退款笔数</th><th>退款</th><th>撤销笔数</th><th>撤销</th><th>净收</th></tr>
${empty(8, channelRows)}<tr class="total"><td>合计</td><td colspan="6"></td>${num(y(r.netFen))}</tr></table>
<h2>按门店与收银机（对账状态、同步）</h2>
<table><tr><th>门店</th><th>收银机</th><th>净收</th><th>网关已确认/已付</th><th>对账</th><th>未同步</th><th>上次同步</th></tr>${empty(7, tillRows)}</table>
<h2>按收银员</h2>
<table><tr><th>收银机</th><th>收银员</th><th>笔数</th><th>净收</th></tr>${empty(4, cashierRows)}</table>
<h2>交班现金差异</h2>
<table><tr><th>收银机</th><th>班次</th><th>收银员</th><th>应有</th><th>实点</th><th>差异</th><th>原因</th></tr>${empty(7, shiftRows)}</table>
<h2>审计链（总部重新校验）</h2>
<table><tr><th>收银机</th><th>总部存有条目</th><th>收银机上报至</th><th>结果</th></tr>${empty(4, auditRows)}</table>
</body></html>`;
}
