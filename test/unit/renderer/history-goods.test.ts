// @vitest-environment happy-dom
// History's goods pieces rendered (happy-dom) against a stand-in run(): the lines add up to what was
// charged (抹零 and order discount shown; a typed sale's difference as 调整); the 按商品退货 dialog
// offers only what is left, is driven by keys (↑↓, Space, + / -, Enter), refunds what main would
// (cumulative floor), and says plainly: nothing chosen, a PIN that cannot be one, a wrong PIN, and
// main's refusal (more than is left).
import { beforeEach, describe, expect, it } from 'vitest';
import { createApp, nextTick } from 'vue';
import './fake-pos';
import type { SaleLinesView } from '../../../shared/ipc/goods';
import type { IpcError } from '../../../shared/ipc/errors';
import { lineRefundFen } from '../../../shared/goods/sale';

const { default: HistoryLines } = await import('../../../renderer/components/history/HistoryLines.vue');
const { default: LineRefund } = await import('../../../renderer/components/history/HistoryLineRefundDialog.vue');

const SALE: SaleLinesView = {
  outTradeNo: 'T01_x',
  goods: true,
  orderDiscountFen: 100,
  roundingFen: 7,
  chargedFen: 2499,
  lines: [
    { lineNo: 1, name: '可口可乐 500ml', barcode: '6901234567892', qty: 3, unitFen: 350, discountFen: 0, amountFen: 1010, weightG: null, category: '饮料', refundedQty: 1 },
    { lineNo: 2, name: '苹果', barcode: '4006381333931', qty: 1, unitFen: 1299, discountFen: 50, amountFen: 1200, weightG: null, category: '水果', refundedQty: 1 },
    { lineNo: 3, name: '散装大米', barcode: '2001230003075', qty: 1, unitFen: 307, discountFen: 0, amountFen: 289, weightG: 512, category: '粮油', refundedQty: 0 },
  ],
};

async function flush(): Promise<void> {
  for (let i = 0; i < 4; i++) {
    await Promise.resolve();
    await nextTick();
  }
}
const props = (sale: SaleLinesView): Record<string, unknown> => Object.fromEntries([['sale', sale]]);
const q = (id: string) => document.querySelector(`[data-testid="${id}"]`);
const key = (el: Element, k: string) => el.dispatchEvent(new KeyboardEvent('keydown', { key: k, bubbles: true }));

beforeEach(() => {
  document.body.innerHTML = '<div id="app"></div>';
});

describe('HistoryLines', () => {
  it('lists every line and the rows down to what was charged', async () => {
    const app = createApp(HistoryLines, props(SALE));
    app.mount('#app');
    await flush();
    expect(document.querySelectorAll('[data-testid="sale-lines"] tbody tr')).toHaveLength(3);
    expect(q('sale-line-1')!.textContent).toContain('×3');
    expect(q('sale-line-1')!.textContent).toContain('已退 1');
    expect(q('sale-line-2')!.className).toContain('gone');
    expect(q('sale-line-3')!.textContent).toContain('0.512 kg');
    expect(q('sale-order-discount')!.textContent).toBe('-1.00');
    expect(q('sale-rounding')!.textContent).toBe('-0.07');
    expect(q('sale-charged')!.textContent).toBe(`¥${(SALE.chargedFen / 100).toFixed(2)}`);
    // Subtotal 10.50 + 12.99 + 3.07 − line discount 0.50 − order 1.00 − 抹零 0.07 = 24.99 = charged: no 调整.
    expect(q('sale-sums')!.textContent).not.toContain('调整');
    app.unmount();
  });

  it('a typed sale whose lines do not add up to the amount shows the difference as 调整', async () => {
    const typed: SaleLinesView = { outTradeNo: 'T01_y', goods: false, orderDiscountFen: 0, roundingFen: 0, chargedFen: 2500, lines: [{ lineNo: 1, name: 'tea', barcode: null, qty: 2, unitFen: 1500, discountFen: 0, amountFen: 3000, weightG: null, category: null, refundedQty: 0 }] };
    const app = createApp(HistoryLines, props(typed));
    app.mount('#app');
    await flush();
    expect(q('sale-sums')!.textContent).toContain('调整-5.00');
    app.unmount();
  });
});

describe('按商品退货', () => {
  function mount(run: (lines: { lineNo: number; qty: number }[], reason: string, pin: string) => Promise<IpcError | null>) {
    const closed: number[] = [];
    const dialogProps: Record<string, unknown> = { sale: SALE, run, onClose: () => closed.push(1) };
    const app = createApp(LineRefund, dialogProps);
    app.mount('#app');
    return { app, closed };
  }

  it('keys choose lines and quantities; the amount is what main refunds; it sends exactly the choice', async () => {
    const sent: { lineNo: number; qty: number }[][] = [];
    const { app, closed } = mount(async (lines) => {
      sent.push(lines);
      return null;
    });
    await flush();
    // The apple is refunded already: not offered.
    expect(q('pick-2')).toBeNull();
    const list = q('line-refund-list')!;
    expect(document.activeElement).toBe(list);
    key(list, 'Enter');
    await flush();
    expect(q('line-refund-error')!.textContent).toBe('请至少勾选一件要退的商品');
    key(list, ' ');
    key(list, '+');
    key(list, '+');
    await flush();
    // Two of the cola are left: + stops there.
    expect(q('pick-qty-1')!.textContent).toBe('2');
    expect(q('line-refund-total')!.textContent).toBe(`¥${(lineRefundFen(1010, 3, 1, 2) / 100).toFixed(2)}`);
    key(list, 'ArrowDown');
    key(list, ' ');
    await flush();
    expect(q('pick-3')!.getAttribute('aria-selected')).toBe('true');
    expect(q('line-refund-total')!.textContent).toBe(`¥${((lineRefundFen(1010, 3, 1, 2) + 289) / 100).toFixed(2)}`);
    key(list, 'ArrowUp');
    key(list, '-');
    await flush();
    expect(q('pick-qty-1')!.textContent).toBe('1');
    key(list, 'Enter');
    await flush();
    expect((document.activeElement as HTMLElement).getAttribute('data-testid')).toBe('line-refund-pin');
    // A PIN that cannot be one is said before main is asked.
    const pin = q('line-refund-pin') as HTMLInputElement;
    pin.value = '12';
    pin.dispatchEvent(new Event('input'));
    (q('line-refund-submit') as HTMLButtonElement).click();
    await flush();
    expect(q('line-refund-pin-error')!.textContent).toContain('4');
    expect(sent).toEqual([]);
    pin.value = '0000';
    pin.dispatchEvent(new Event('input'));
    (q('line-refund-submit') as HTMLButtonElement).click();
    await flush();
    expect(sent).toEqual([[{ lineNo: 1, qty: 1 }, { lineNo: 3, qty: 1 }]]);
    expect(closed).toEqual([1]);
    app.unmount();
  });

  it('a wrong PIN goes under the PIN; main refusing (more than left) is said in its words', async () => {
    const answers: IpcError[] = [
      { code: 'pin_required', message: 'managerPin: wrong PIN' },
      { code: 'conflict', message: 'lines: line 1 (可口可乐 500ml) has 1 left to refund, not 2' },
    ];
    const { app, closed } = mount(async () => answers.shift() ?? null);
    await flush();
    const list = q('line-refund-list')!;
    key(list, ' ');
    await flush();
    const pin = q('line-refund-pin') as HTMLInputElement;
    pin.value = '1234';
    pin.dispatchEvent(new Event('input'));
    (q('line-refund-submit') as HTMLButtonElement).click();
    await flush();
    expect(q('line-refund-pin-error')!.textContent).toBe('店长密码不正确');
    expect(pin.value).toBe('');
    pin.value = '0000';
    pin.dispatchEvent(new Event('input'));
    (q('line-refund-submit') as HTMLButtonElement).click();
    await flush();
    expect(q('line-refund-error')!.textContent).toBe('可口可乐 500ml 最多还能退 1');
    expect(closed).toEqual([]);
    app.unmount();
  });
});
