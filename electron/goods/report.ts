// The goods figures of a shift or a day (X / Z / 日结): top items and quantity and takings by
// category, from the lines of paid sales (what each line was charged) less the lines refunded
// (succeeded refunds). Sales without lines count as typed amounts.
import type Database from 'better-sqlite3';
import type { GoodsReport } from '../../shared/ipc/goods.js';

/** Items listed as top sellers. */
export const TOP_ITEMS = 10;

export function goodsReport(db: Database.Database, filter: { shiftId: number } | { date: string }): GoodsReport {
  const [cond, arg] = 'shiftId' in filter ? ['a.shift_id = ?', filter.shiftId] : ['a.business_date = ?', filter.date];
  const lines = db
    .prepare(
      `SELECT l.name, p.code, COALESCE(NULLIF(l.category, ''), p.category, '') AS category,
         l.qty - COALESCE(rq.qty, 0) AS qty, CASE WHEN l.weight_g IS NULL THEN 0 WHEN COALESCE(rq.qty, 0) > 0 THEN 0 ELSE l.weight_g END AS weightG,
         COALESCE(l.amount_fen, l.qty * l.unit_fen) - COALESCE(rq.fen, 0) AS fen
       FROM attempts a JOIN sale_lines l ON l.sale_id = a.sale_id LEFT JOIN products p ON p.id = l.product_id
       LEFT JOIN (SELECT r.attempt_id, rl.line_no, SUM(rl.qty) AS qty, SUM(rl.amount_fen) AS fen FROM refund_lines rl JOIN refunds r ON r.id = rl.refund_id
                  WHERE r.state = 'succeeded' GROUP BY r.attempt_id, rl.line_no) rq ON rq.attempt_id = a.id AND rq.line_no = l.line_no
       WHERE ${cond} AND a.state = 'paid'`,
    )
    .all(arg) as { name: string; code: string | null; category: string; qty: number; weightG: number; fen: number }[];
  const typed = db.prepare(`SELECT COALESCE(SUM(a.amount_fen), 0) AS fen FROM attempts a WHERE ${cond} AND a.state = 'paid' AND NOT EXISTS (SELECT 1 FROM sale_lines l WHERE l.sale_id = a.sale_id)`).get(arg) as { fen: number };
  const items = new Map<string, GoodsReport['topItems'][number]>();
  const cats = new Map<string, GoodsReport['categories'][number]>();
  for (const l of lines) {
    const key = `${l.code ?? ''}\u0001${l.name}`;
    const it = items.get(key) ?? { name: l.name, code: l.code, qty: 0, weightG: 0, takingsFen: 0 };
    it.qty += l.weightG ? 0 : l.qty;
    it.weightG += l.weightG;
    it.takingsFen += l.fen;
    items.set(key, it);
    const c = cats.get(l.category) ?? { category: l.category, qty: 0, weightG: 0, takingsFen: 0 };
    c.qty += l.weightG ? 0 : l.qty;
    c.weightG += l.weightG;
    c.takingsFen += l.fen;
    cats.set(l.category, c);
  }
  const order = (a: { takingsFen: number }, b: { takingsFen: number }) => b.takingsFen - a.takingsFen;
  const from = 'shiftId' in filter ? `shift ${filter.shiftId}` : filter.date;
  return {
    from,
    to: from,
    topItems: [...items.values()].sort(order).slice(0, TOP_ITEMS),
    categories: [...cats.values()].sort(order),
    typedFen: typed.fen,
  };
}

export function goodsReportCsv(r: GoodsReport): string {
  const q = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const yuan = (f: number) => (f / 100).toFixed(2);
  const out = [`商品报表 Goods,${q(r.from)}`, '', '热销商品 Top items,货号 Code,数量 Qty,重量g Weight,销售额 Takings'];
  for (const i of r.topItems) out.push([q(i.name), q(i.code ?? ''), i.qty, i.weightG, yuan(i.takingsFen)].join(','));
  out.push('', '分类 Category,数量 Qty,重量g Weight,销售额 Takings');
  for (const c of r.categories) out.push([q(c.category || '未分类'), c.qty, c.weightG, yuan(c.takingsFen)].join(','));
  out.push('', `无商品行金额 Typed amounts,${yuan(r.typedFen)}`);
  return `\uFEFF${out.join('\r\n')}\r\n`;
}

export function goodsReportHtml(r: GoodsReport): string {
  const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
  const yuan = (f: number) => (f / 100).toFixed(2);
  const rows = (xs: string[][]) => xs.map((x) => `<tr>${x.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`).join('');
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><style>body{font-family:'Noto Sans CJK SC',sans-serif;margin:24px}table{border-collapse:collapse;width:100%;margin-bottom:16px}td,th{border-bottom:1px solid #ccc;padding:4px 8px;text-align:left}td:nth-child(n+2){text-align:right}</style></head><body>
<h1>商品报表 · ${esc(r.from)}</h1>
<h2>热销商品</h2><table><tr><th>商品</th><th>货号</th><th>数量</th><th>重量 g</th><th>销售额</th></tr>${rows(r.topItems.map((i) => [i.name, i.code ?? '', String(i.qty), String(i.weightG), yuan(i.takingsFen)]))}</table>
<h2>分类</h2><table><tr><th>分类</th><th>数量</th><th>重量 g</th><th>销售额</th></tr>${rows(r.categories.map((c) => [c.category || '未分类', String(c.qty), String(c.weightG), yuan(c.takingsFen)]))}</table>
<p>无商品行金额：${yuan(r.typedFen)}</p></body></html>`;
}
