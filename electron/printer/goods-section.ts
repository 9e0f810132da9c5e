// The goods section of a printed X / Z / 日结 report (issue 11): top items, then quantity and
// takings by category, then the refunded lines and the typed amounts. A blind report prints the
// quantities and words instead of amounts (the takings would reveal the drawer).
import { formatYuan } from '../../shared/money.js';
import type { BlindGoodsFigures, GoodsFigures } from '../../shared/ipc/goods.js';
import { qtyText } from '../../shared/goods/units.js';
import { itemRow, wrapColumns } from './layout.js';
import type { Labels } from './doc-labels.js';

export interface SectionWriter {
  readonly cols: number;
  lines(texts: string[]): unknown;
  lr(left: string, right: string): unknown;
  bold(on: boolean): unknown;
}

/** Lines under "热销商品" / "分类"; a name too long for its column goes on its own line. */
export function renderGoodsSection(d: SectionWriter, g: GoodsFigures | BlindGoodsFigures, L: Labels): void {
  // Blind: no amount column; one line at the end says the takings are hidden.
  const money = (f: number | null) => (f === null ? '' : formatYuan(f));
  const qtyCols = 9;
  const amountCols = 10;
  const row = (name: string, qty: string, amount: string) => d.lines(itemRow(name, qty, amount, d.cols, qtyCols, amountCols));
  d.bold(true);
  d.lines([L.goods]);
  d.bold(false);
  d.lines([`${L.topItems}:`]);
  for (const i of g.topItems) row(`  ${i.name}`, qtyText(i), money(i.takingsFen));
  d.lines([`${L.byCategory}:`]);
  for (const c of g.categories) row(`  ${c.category || L.uncategorised}`, qtyText(c), money(c.takingsFen));
  if (g.refundedFen === null) {
    d.lines(wrapColumns(`  ${L.takings}: ${L.hidden}`, d.cols));
    return;
  }
  if (g.refundedFen !== 0) d.lr(`  ${L.refundedLines}`, formatYuan(-g.refundedFen));
  if (g.typedFen !== 0) d.lr(`  ${L.typed}`, money(g.typedFen));
}
