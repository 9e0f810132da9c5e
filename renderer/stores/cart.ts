// The goods being rung up (issue 11): lines from the catalogue (a scan adds one piece; the same
// barcode again adds one more), weighed lines from scale labels, quantities, line and order
// discounts, 抹零 by the till's rule. The money is shared/goods/sale.ts's, so the screen, the
// customer display, the payment and the receipt show the same fen.
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { invoke } from '../api';
import { computeSale, discountNeedsManager, MAX_LINE_QTY, type Discount } from '../../shared/goods/sale';
import type { GoodsConfigView, GoodsScanResult, ProductView } from '../../shared/ipc/goods';
import { parseYuan, type Fen } from '../../shared/money';

export interface CartLine {
  productId?: number;
  name: string;
  barcode?: string;
  qty: number;
  unitFen: Fen;
  weightG?: number;
  category?: string;
  discount: Discount | null;
}

/** Most lines on one sale (the contract allows 200). */
export const MAX_CART_LINES = 200;

/** "10%" → 10% off; "5" or "5.00" → 5 yuan off; "" → none; null when not a discount. */
export function parseDiscount(text: string): Discount | null | 'none' {
  const s = text.trim();
  if (s === '') return 'none';
  const pct = /^(\d{1,3}(?:\.\d{1,2})?)\s*%$/.exec(s);
  if (pct) {
    const bp = Math.round(Number(pct[1]) * 100);
    return bp <= 10_000 ? { kind: 'percent', bp } : null;
  }
  const fen = parseYuan(s);
  return fen !== null && fen >= 0 ? { kind: 'amount', fen } : null;
}

export const useCartStore = defineStore('cart', () => {
  const lines = ref<CartLine[]>([]);
  const selected = ref(-1);
  const orderDiscount = ref<Discount | null>(null);
  const config = ref<GoodsConfigView>({ rounding: 'none', discountThresholdBp: 2000, discountThresholdFen: 5000, scale: { prefixes: ['2'], length: 13, plu: [2, 5], valueKind: 'price', value: [7, 5], checkDigit: true } });
  /** The manager PIN that approved the discounts of this sale (sent with the payment). */
  const approvedPin = ref<string | null>(null);

  const money = computed(() => computeSale(lines.value, orderDiscount.value, config.value.rounding));
  const needsApproval = computed(() => discountNeedsManager(money.value, { thresholdBp: config.value.discountThresholdBp, thresholdFen: config.value.discountThresholdFen }));
  const active = computed(() => lines.value.length > 0);

  async function loadConfig(): Promise<void> {
    const r = await invoke('goods.config', {});
    if (r.ok) config.value = r.value;
  }

  function select(i: number): void {
    selected.value = Math.max(-1, Math.min(lines.value.length - 1, i));
  }

  /** One piece of a product; the same product again (not weighed) is quantity + 1. Returns the line. */
  function addProduct(p: ProductView, barcode?: string): CartLine | null {
    const i = lines.value.findIndex((l) => l.productId === p.id && l.weightG === undefined && l.unitFen === p.priceFen);
    if (i >= 0) {
      if (lines.value[i]!.qty >= MAX_LINE_QTY) return null;
      lines.value[i]!.qty++;
      selected.value = i;
      return lines.value[i]!;
    }
    if (lines.value.length >= MAX_CART_LINES) return null;
    const line: CartLine = { productId: p.id, name: p.name, qty: 1, unitFen: p.priceFen, discount: null, ...(barcode ? { barcode } : {}), ...(p.category ? { category: p.category } : {}) };
    lines.value.push(line);
    selected.value = lines.value.length - 1;
    return line;
  }

  function addScan(r: GoodsScanResult): CartLine | null {
    if (r.kind === 'product') return addProduct(r.product, r.barcode);
    if (r.kind !== 'weighed' || lines.value.length >= MAX_CART_LINES) return null;
    const kg = r.weightG ? ` ${(r.weightG / 1000).toFixed(3)}kg` : '';
    const line: CartLine = { productId: r.product.id, name: `${r.product.name}${kg}`.slice(0, 64), barcode: r.barcode, qty: 1, unitFen: r.priceFen, discount: null, ...(r.weightG ? { weightG: r.weightG } : {}), ...(r.product.category ? { category: r.product.category } : {}) };
    lines.value.push(line);
    selected.value = lines.value.length - 1;
    return line;
  }

  /** A typed price as a line without a product (the "+" key while goods are rung up). */
  function addMisc(name: string, unitFen: Fen): void {
    if (lines.value.length >= MAX_CART_LINES) return;
    lines.value.push({ name, qty: 1, unitFen, discount: null });
    selected.value = lines.value.length - 1;
  }

  function setQty(i: number, qty: number): boolean {
    const l = lines.value[i];
    if (!l || l.weightG !== undefined || !Number.isInteger(qty) || qty > MAX_LINE_QTY) return false;
    if (qty < 1) {
      remove(i);
      return true;
    }
    l.qty = qty;
    return true;
  }

  function remove(i: number): void {
    if (i < 0 || i >= lines.value.length) return;
    lines.value.splice(i, 1);
    if (selected.value >= lines.value.length) selected.value = lines.value.length - 1;
  }

  function setLineDiscount(i: number, d: Discount | null): void {
    const l = lines.value[i];
    if (l) l.discount = d;
  }

  function clear(): void {
    lines.value = [];
    selected.value = -1;
    orderDiscount.value = null;
    approvedPin.value = null;
  }

  /** The contract's lines and adjust for the payment (and the customer display). */
  function saleFields(): { lines: { name: string; barcode?: string; qty: number; unitFen: Fen; productId?: number; discountFen: Fen; amountFen: Fen; weightG?: number; category?: string }[]; adjust: { orderDiscountFen: Fen; roundingFen: Fen }; managerPin?: string } {
    const m = money.value;
    return {
      lines: lines.value.map((l, i) => ({
        name: l.name, qty: l.qty, unitFen: l.unitFen, discountFen: m.lines[i]!.discountFen, amountFen: m.lines[i]!.chargedFen,
        ...(l.barcode ? { barcode: l.barcode } : {}), ...(l.productId ? { productId: l.productId } : {}), ...(l.weightG ? { weightG: l.weightG } : {}), ...(l.category ? { category: l.category } : {}),
      })),
      adjust: { orderDiscountFen: m.orderDiscountFen, roundingFen: m.roundingFen },
      ...(approvedPin.value && needsApproval.value ? { managerPin: approvedPin.value } : {}),
    };
  }

  /** 挂单 / 取单: the draft kept by the journal. */
  function draft(): Record<string, unknown> {
    return { lines: lines.value, orderDiscount: orderDiscount.value };
  }

  function restore(d: Record<string, unknown>): void {
    const ls = Array.isArray(d.lines) ? (d.lines as CartLine[]) : [];
    lines.value = ls.filter((l) => typeof l?.name === 'string' && Number.isInteger(l.qty) && Number.isInteger(l.unitFen)).map((l) => ({ ...l, discount: l.discount ?? null }));
    orderDiscount.value = (d.orderDiscount as Discount | null) ?? null;
    selected.value = lines.value.length - 1;
    approvedPin.value = null;
  }

  return { lines, selected, orderDiscount, config, approvedPin, money, needsApproval, active, loadConfig, select, addProduct, addScan, addMisc, setQty, remove, setLineDiscount, clear, saleFields, draft, restore };
});
