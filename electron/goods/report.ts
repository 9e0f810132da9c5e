// The goods figures of a shift or a day — one piece of code for the goods screen's report, the
// X / Z / 日结 report (screen, paper, CSV, PDF) and goods.exportReport: top items and quantity and
// takings by category.
//
// What counts, and why it adds up with the channel totals of the same report:
// - sold: the lines of sales paid in the scope (attempts.state = 'paid': a reversed sale took
//   nothing), each at what it was charged (amount_fen: after its share of the order discount and
//   抹零), so the lines of a sale add up to what the customer paid;
// - refunded: the lines of refunds that succeeded in the scope (by the refund's shift or date, as
//   the channel totals count refunds), taken off the item and category they were sold as;
// - typed: sales without lines (the typed-amount mode).
// A scope is a shift, or a day: that day's shifts and the rows of that date that had no shift —
// the same two parts ShiftStore sums its channel totals over.
import type Database from 'better-sqlite3';
import { qtyText } from '../../shared/goods/units.js';
import type { BlindGoodsFigures, GoodsCategoryFigures, GoodsFigures, GoodsItemFigures, GoodsReport } from '../../shared/ipc/goods.js';

/** Items listed as top sellers. */
export const TOP_ITEMS = 10;

export type GoodsScope = { shiftId: number } | { date: string };

/**
 * The rows of a scope, as FROM … WHERE parts with `a` the attempts (or `r` the refunds). The day's
 * shifts are joined, not an IN (…): with the statistics PRAGMA optimize leaves, SQLite otherwise
 * picked a scan of every sale line of a million-order file (270 ms for one past day). CROSS JOIN
 * keeps the order: shifts → their attempts → those sales' lines.
 */
function scopeParts(scope: GoodsScope, alias: 'a' | 'r'): { from: string; where: string; arg: string | number }[] {
  const table = alias === 'a' ? 'attempts a' : 'refunds r';
  if ('shiftId' in scope) return [{ from: table, where: `${alias}.shift_id = ?`, arg: scope.shiftId }];
  return [
    { from: `shifts s CROSS JOIN ${table} ON ${alias}.shift_id = s.id`, where: 's.business_date = ?', arg: scope.date },
    { from: table, where: `${alias}.shift_id IS NULL AND ${alias}.business_date = ?`, arg: scope.date },
  ];
}

/** Lines summed by what they were sold as (the database sums: a big shift reads one row per item). */
interface SumRow {
  name: string;
  code: string | null;
  category: string;
  /** Pieces of lines not weighed. */
  qty: number;
  /** Grams of weighed lines (a weighed line is one label: it counts in grams, not pieces). */
  weightG: number;
  fen: number;
  lines: number;
}

const CATEGORY = `COALESCE(NULLIF(l.category, ''), p.category, '')`;
const GROUP = `GROUP BY l.name, p.code, ${CATEGORY}`;

/** The figures, and whether the scope had any goods line at all (sold or refunded). */
export function goodsFigures(db: Database.Database, scope: GoodsScope): { figures: GoodsFigures; any: boolean } {
  const sold: SumRow[] = [];
  const refunded: SumRow[] = [];
  let typedFen = 0;
  for (const part of scopeParts(scope, 'a')) {
    // One pass over the scope's paid sales: their lines summed per item, and the sales without a
    // line (typed amounts) as the one group whose line is NULL (LEFT JOIN: the attempts stay outer).
    const rows = db
      .prepare(
        `SELECT l.name, p.code, ${CATEGORY} AS category, SUM(CASE WHEN l.weight_g IS NULL THEN l.qty ELSE 0 END) AS qty,
           SUM(COALESCE(l.weight_g, 0)) AS weightG, SUM(CASE WHEN l.sale_id IS NULL THEN a.amount_fen ELSE COALESCE(l.amount_fen, l.qty * l.unit_fen) END) AS fen,
           COUNT(l.sale_id) AS lines
         FROM ${part.from} LEFT JOIN sale_lines l ON l.sale_id = a.sale_id LEFT JOIN products p ON p.id = l.product_id
         WHERE ${part.where} AND a.state = 'paid' ${GROUP}`,
      )
      .all(part.arg) as SumRow[];
    for (const r of rows) {
      if (r.lines === 0) typedFen += r.fen;
      else sold.push(r);
    }
  }
  for (const part of scopeParts(scope, 'r')) {
    refunded.push(
      ...(db
        .prepare(
          `SELECT l.name, p.code, ${CATEGORY} AS category, SUM(CASE WHEN l.weight_g IS NULL THEN rl.qty ELSE 0 END) AS qty,
             SUM(CASE WHEN l.weight_g IS NULL THEN 0 ELSE (l.weight_g * rl.qty) / l.qty END) AS weightG, SUM(rl.amount_fen) AS fen, COUNT(*) AS lines
           FROM ${part.from} CROSS JOIN refund_lines rl ON rl.refund_id = r.id CROSS JOIN attempts a ON a.id = r.attempt_id
             CROSS JOIN sale_lines l ON l.sale_id = a.sale_id AND l.line_no = rl.line_no LEFT JOIN products p ON p.id = l.product_id
           WHERE ${part.where} AND r.state = 'succeeded' ${GROUP}`,
        )
        .all(part.arg) as SumRow[]),
    );
  }
  const items = new Map<string, GoodsItemFigures>();
  const cats = new Map<string, GoodsCategoryFigures>();
  const add = (l: SumRow, sign: 1 | -1) => {
    const key = `${l.code ?? ''}\u0001${l.name}`;
    const it = items.get(key) ?? { name: l.name, code: l.code, qty: 0, weightG: 0, takingsFen: 0 };
    const c = cats.get(l.category) ?? { category: l.category, qty: 0, weightG: 0, takingsFen: 0 };
    for (const x of [it, c]) {
      x.qty += sign * l.qty;
      x.weightG += sign * l.weightG;
      x.takingsFen += sign * l.fen;
    }
    items.set(key, it);
    cats.set(l.category, c);
  };
  for (const l of sold) add(l, 1);
  for (const l of refunded) add(l, -1);
  const order = <T extends { takingsFen: number; qty: number }>(a: T, b: T) => b.takingsFen - a.takingsFen || b.qty - a.qty;
  return {
    figures: {
      // An item refunded as many as were sold sold nothing: it is no top item.
      topItems: [...items.values()].filter((i) => i.qty !== 0 || i.weightG !== 0 || i.takingsFen !== 0).sort(order).slice(0, TOP_ITEMS),
      categories: [...cats.values()].sort(order),
      typedFen,
      refundedFen: refunded.reduce((a, l) => a + l.fen, 0),
    },
    any: sold.length + refunded.length > 0,
  };
}

/** The section of an X / Z / 日结 report: absent (null) when the scope sold no goods. */
export function goodsSection(db: Database.Database, scope: GoodsScope): GoodsFigures | null {
  const { figures, any } = goodsFigures(db, scope);
  return any ? figures : null;
}

/** The cashier's blind view of the section: quantities only. */
export function blindGoods(g: GoodsFigures): BlindGoodsFigures {
  return {
    topItems: g.topItems.map((i) => ({ ...i, takingsFen: null })),
    categories: g.categories.map((c) => ({ ...c, takingsFen: null })),
    typedFen: null,
    refundedFen: null,
  };
}

export function goodsReport(db: Database.Database, filter: GoodsScope): GoodsReport {
  const from = 'shiftId' in filter ? `shift ${filter.shiftId}` : filter.date;
  return { from, to: from, ...goodsFigures(db, filter).figures };
}

export function goodsReportCsv(r: GoodsReport): string {
  const q = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : /^[=+\-@\t\r]/.test(s) ? `'${s}` : s);
  const yuan = (f: number) => (f < 0 ? '-' : '') + (Math.abs(f) / 100).toFixed(2);
  const out = [`商品报表 Goods,${q(r.from)}`, '', '热销商品 Top items,货号 Code,数量 Qty,重量g Weight,销售额 Takings'];
  for (const i of r.topItems) out.push([q(i.name), q(i.code ?? ''), i.qty, i.weightG, yuan(i.takingsFen)].join(','));
  out.push('', '分类 Category,数量 Qty,重量g Weight,销售额 Takings');
  for (const c of r.categories) out.push([q(c.category || '未分类'), c.qty, c.weightG, yuan(c.takingsFen)].join(','));
  out.push('', `已退商品 Refunded lines,${yuan(r.refundedFen)}`, `无商品行金额 Typed amounts,${yuan(r.typedFen)}`);
  return `\uFEFF${out.join('\r\n')}\r\n`;
}

export function goodsReportHtml(r: GoodsReport): string {
  const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
  const yuan = (f: number) => (f < 0 ? '-' : '') + (Math.abs(f) / 100).toFixed(2);
  const rows = (xs: string[][]) => xs.map((x) => `<tr>${x.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`).join('');
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><style>body{font-family:'Noto Sans CJK SC',sans-serif;margin:24px}table{border-collapse:collapse;width:100%;margin-bottom:16px}td,th{border-bottom:1px solid #ccc;padding:4px 8px;text-align:left}td:nth-child(n+2){text-align:right}</style></head><body>
<h1>商品报表 · ${esc(r.from)}</h1>
<h2>热销商品</h2><table><tr><th>商品</th><th>货号</th><th>数量</th><th>销售额</th></tr>${rows(r.topItems.map((i) => [i.name, i.code ?? '', qtyText(i), yuan(i.takingsFen)]))}</table>
<h2>分类</h2><table><tr><th>分类</th><th>数量</th><th>销售额</th></tr>${rows(r.categories.map((c) => [c.category || '未分类', qtyText(c), yuan(c.takingsFen)]))}</table>
<p>已退商品：${yuan(r.refundedFen)}　无商品行金额：${yuan(r.typedFen)}</p></body></html>`;
}
