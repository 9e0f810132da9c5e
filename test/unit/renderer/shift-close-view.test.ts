// @vitest-environment happy-dom
// The close panel rendered (happy-dom) against a stand-in main side: the count step shows no
// expected amount, the review shows expected vs counted, and while main reconciles the screen says
// "正在与网关核对" (in the E2E run the sandbox answers too fast to see it).
import { beforeEach, describe, expect, it } from 'vitest';
import { createApp, defineComponent, h, nextTick } from 'vue';
import { createPinia, setActivePinia } from 'pinia';
import { fakePos } from './fake-pos';
import type { BlindShiftReport, FullShiftReport, IpcResultOf, ShiftReport } from '../../../shared/ipc/contract';
import { DEFAULT_SETTINGS } from '../../../shared/settings';

const { useShiftStore } = await import('../../../renderer/stores/shift');
const { default: ShiftClose } = await import('../../../renderer/components/shift/ShiftClose.vue');
const { default: ShiftReportView } = await import('../../../renderer/components/shift/ShiftReport.vue');
const { default: ShiftBadge } = await import('../../../renderer/components/shift/ShiftBadge.vue');

const X: FullShiftReport = {
  title: 'X', blind: false, shiftIds: [3], from: '2025-01-31T01:00:00.000Z', to: null, cashierId: 'c1', channels: [], totalNetFen: 0,
  cash: { floatFen: 10_000, salesFen: 4_321, refundsFen: 0, inFen: 0, outFen: 0, expectedFen: 14_321, countedFen: null, varianceFen: null },
  openOrders: [], reconciliation: null,
};

/** Shift 3 open, its close started and the close panel mounted. */
function openClosePanel() {
  const pinia = createPinia();
  setActivePinia(pinia);
  const store = useShiftStore();
  store.current = { shiftId: 3, cashierId: 'c1', openedAt: X.from, closedAt: null, floatFen: 10_000 };
  store.startClose();
  const app = createApp(ShiftClose).use(pinia);
  app.mount('#app');
  return { store, app };
}

async function flush(): Promise<void> {
  for (let i = 0; i < 5; i++) {
    await Promise.resolve();
    await nextTick();
  }
}

beforeEach(() => {
  document.body.innerHTML = '<div id="app"></div>';
  fakePos.calls.length = 0;
  fakePos.answer('settings.get', () => ({ ok: true, value: { values: DEFAULT_SETTINGS, hasSecret: false, hasHeadOfficeCredential: false, secretStorage: 'plain-file', managerPinIsDefault: false } }));
  fakePos.answer('shift.xReport', () => ({ ok: true, value: X }));
  // Main keeps the first count and how many there were.
  const recorded = { counts: 0, first: 0, last: -1 };
  fakePos.answer('shift.count', (p) => {
    if (recorded.counts === 0) recorded.first = p.countedFen;
    if (p.countedFen !== recorded.last) recorded.counts++;
    recorded.last = p.countedFen;
    const varianceFen = p.countedFen - 14_321;
    const firstVarianceFen = recorded.first - 14_321;
    return {
      ok: true,
      value: {
        shiftId: 3, countedFen: p.countedFen, expectedFen: 14_321, varianceFen, thresholdFen: 1_000, needsApproval: Math.abs(varianceFen) > 1_000 || Math.abs(firstVarianceFen) > 1_000,
        counts: recorded.counts, firstCountedFen: recorded.first, firstVarianceFen, openOrders: [],
      },
    };
  });
  fakePos.answer('shift.session', () => ({ ok: true, value: { cashierId: 'c1', name: '小王' } }));
  fakePos.answer('shift.current', () => ({ ok: true, value: null }));
  fakePos.answer('shift.cashiers', () => ({ ok: true, value: [] }));
});

describe('the close panel', () => {
  it('count (no expected amount) → review (expected vs counted) → "正在与网关核对" while main reconciles', async () => {
    const { store, app } = openClosePanel();
    await flush();
    const root = document.querySelector('[data-testid="shift-close"]')!;
    expect(root.getAttribute('data-step')).toBe('count');
    expect(root.textContent).toContain('盲点');
    expect(root.textContent).not.toContain('143.21');

    store.close.totalText = '143.21';
    await store.confirmCount();
    await flush();
    expect(root.getAttribute('data-step')).toBe('review');
    expect(document.querySelector('[data-testid="close-expected"]')!.textContent).toBe('¥143.21');
    expect(document.querySelector('[data-testid="close-variance-word"]')!.textContent).toBe('相符');

    let release: (r: IpcResultOf<'shift.close'>) => void = () => {};
    fakePos.answer('shift.close', () => new Promise((resolve) => (release = resolve)));
    const closing = store.submitClose();
    await flush();
    expect(root.getAttribute('data-step')).toBe('closing');
    expect(document.querySelector('[data-testid="closing"]')!.textContent).toContain('正在与网关核对');
    release({ ok: true, value: { ...X, title: 'Z', to: '2025-01-31T09:00:00.000Z', cash: { ...X.cash, countedFen: 14_321, varianceFen: 0 }, reconciliation: { matches: true, diffs: [], checked: 2 } } });
    expect(await closing).toBeNull();
    expect(store.report?.title).toBe('Z');
    app.unmount();
  });

  it('count wrong, see the variance, recount to match: the first count stays on screen and the manager is still asked', async () => {
    const { store, app } = openClosePanel();
    await flush();
    const q = (id: string) => document.querySelector(`[data-testid="${id}"]`);
    store.close.totalText = '120.00';
    await store.confirmCount();
    await flush();
    expect(q('close-variance')!.textContent).toBe('-¥23.21');
    expect(q('approval-text')!.textContent).toBe('差额 -¥23.21 超过了 ¥10.00：需要店长密码和原因');
    expect(q('close-first-count')).toBeNull();
    (q('recount') as HTMLButtonElement).click();
    await flush();
    expect(q('recount-note')!.textContent).toBe('第 2 次清点：首次清点 ¥120.00 已记录，交班报表会显示清点了几次。');
    store.close.totalText = '143.21';
    await store.confirmCount();
    await flush();
    expect(q('close-variance-word')!.textContent).toBe('相符');
    expect(q('close-first-count')!.textContent).toBe('首次清点 ¥120.00 · 清点 2 次（已记录，交班报表会显示）');
    expect(q('approval-text')!.textContent).toBe('首次清点差额 -¥23.21 超过了 ¥10.00：重新清点后仍需店长密码和原因');
    expect(q('close-pin')).not.toBeNull();
    app.unmount();
  });

  it('while main reconciles: "已核对 120 / 300 笔" and a bar, from shift.reconcileProgress', async () => {
    const { store, app } = openClosePanel();
    store.close.totalText = '143.21';
    await store.confirmCount();
    let release: (r: IpcResultOf<'shift.close'>) => void = () => {};
    fakePos.answer('shift.close', () => new Promise((resolve) => (release = resolve)));
    const closing = store.submitClose();
    await flush();
    const q = (id: string) => document.querySelector<HTMLElement>(`[data-testid="${id}"]`);
    // Nothing told yet: the spinner, no count.
    expect(q('closing-progress')).toBeNull();
    fakePos.emit('shift.reconcileProgress', { shiftId: 3, checked: 120, total: 300 });
    await flush();
    expect(q('closing-progress-text')!.textContent).toBe('已核对 120 / 300 笔');
    expect(q('closing-progress')!.getAttribute('aria-valuenow')).toBe('120');
    expect(q('closing-progress')!.getAttribute('aria-valuemax')).toBe('300');
    expect(q('closing-progress')!.querySelector<HTMLElement>('.closing-bar-fill')!.style.width).toBe('40%');
    fakePos.emit('shift.reconcileProgress', { shiftId: 3, checked: 300, total: 300 });
    await flush();
    expect(q('closing-progress-text')!.textContent).toBe('已核对 300 / 300 笔');
    expect(q('closing-progress')!.querySelector<HTMLElement>('.closing-bar-fill')!.style.width).toBe('100%');
    release({ ok: true, value: { ...X, title: 'Z', to: '2025-01-31T09:00:00.000Z', cash: { ...X.cash, countedFen: 14_321, varianceFen: 0 }, reconciliation: { matches: true, diffs: [], checked: 300 } } });
    expect(await closing).toBeNull();
    app.unmount();
  });

  it('a Z report counted twice says "首次清点 ¥120.00 · 清点 2 次"; counted once it says nothing of it', async () => {
    const pinia = createPinia();
    setActivePinia(pinia);
    const z = (counts: number, firstCountedFen: number): ShiftReport => ({
      ...X, title: 'Z', to: '2025-01-31T09:00:00.000Z', reconciliation: { matches: true, diffs: [], checked: 0 },
      cash: { ...X.cash, countedFen: 14_321, varianceFen: 0, counts, firstCountedFen, firstVarianceFen: firstCountedFen - 14_321 },
    });
    const target = { kind: 'shift', shiftId: 3 } as const;
    // Root props as variables (an object literal here would read as a component to the linter).
    const twice = { report: z(2, 12_000), target };
    let app = createApp(ShiftReportView, twice).use(pinia);
    app.mount('#app');
    await flush();
    expect(document.querySelector('[data-testid="report-first-count"]')!.textContent).toBe('首次清点 ¥120.00 · 清点 2 次');
    app.unmount();
    const once = { report: z(1, 14_321), target };
    app = createApp(ShiftReportView, once).use(pinia);
    app.mount('#app');
    await flush();
    expect(document.querySelector('[data-testid="report-first-count"]')).toBeNull();
    app.unmount();
  });

  it('a report whose gateway orders went unanswered never reads as a match', async () => {
    const pinia = createPinia();
    setActivePinia(pinia);
    const report: ShiftReport = {
      ...X, title: 'Z', to: '2025-01-31T09:00:00.000Z',
      reconciliation: { matches: false, diffs: [{ outTradeNo: 'T9', cause: 'not_checked', journal: 'paid 1.00', gateway: 'no answer: timeout' }], checked: 0 },
    };
    const app = createApp(ShiftReportView, { report, target: { kind: 'shift', shiftId: 3 } }).use(pinia);
    app.mount('#app');
    await flush();
    const rec = document.querySelector('[data-testid="reconciliation"]')!;
    expect(rec.getAttribute('data-verdict')).toBe('unchecked');
    expect(rec.textContent).toContain('未能完成核对');
    expect(rec.textContent).not.toContain('核对一致');
    expect(rec.querySelector('[data-cause="not_checked"]')!.textContent).toContain('网关没有回应，未能核对');
    app.unmount();
  });

  it('the cashier’s X report: the drawer in words (盲点收银：交班时显示), never ¥0.00, no cash bar; the manager PIN opens the full one', async () => {
    const pinia = createPinia();
    setActivePinia(pinia);
    const zero = { refundsCount: 0, refundsFen: 0, reversalsCount: 0, reversalsFen: 0 };
    const { goods: _goods, ...xFields } = X;
    const blind: BlindShiftReport = {
      ...xFields, title: 'X', blind: true, totalNetFen: null,
      channels: [
        { channel: 'weixin', salesCount: 1, salesFen: 1_999, ...zero, netFen: 1_999 },
        { channel: 'cash', salesCount: 2, salesFen: null, refundsCount: 0, refundsFen: null, reversalsCount: 0, reversalsFen: null, netFen: null },
      ],
      cash: { floatFen: null, salesFen: null, refundsFen: null, inFen: null, outFen: null, expectedFen: null, countedFen: null, varianceFen: null },
    };
    const full: FullShiftReport = {
      ...X, totalNetFen: 1_999 + 4_321,
      channels: [
        { channel: 'weixin', salesCount: 1, salesFen: 1_999, ...zero, netFen: 1_999 },
        { channel: 'cash', salesCount: 2, salesFen: 4_321, ...zero, netFen: 4_321 },
      ],
    };
    fakePos.answer('shift.xReport', (p) => (p.managerPin === undefined ? { ok: true, value: blind } : p.managerPin === '0000' ? { ok: true, value: full } : { ok: false, error: { code: 'pin_required', message: 'managerPin: wrong manager PIN' } }));
    const store = useShiftStore();
    store.current = { shiftId: 3, cashierId: 'c1', openedAt: X.from, closedAt: null, floatFen: 10_000 };
    await store.loadXReport();
    const Screen = defineComponent(() => () => (store.report && store.reportTarget ? h(ShiftReportView, { report: store.report, target: store.reportTarget }) : null));
    const app = createApp(Screen).use(pinia);
    app.mount('#app');
    await flush();
    const q = (id: string) => document.querySelector(`[data-testid="${id}"]`);
    const page = () => document.querySelector('#app')!.textContent!;
    expect(q('report-expected')!.textContent).toBe('盲点收银：交班时显示');
    expect(q('report-net')!.textContent).toBe('盲点收银：交班时显示');
    expect(q('report-cash')!.textContent).not.toMatch(/¥/);
    expect(q('report-blind')!.textContent).toContain('盲点收银');
    expect(document.querySelector('[data-channel="cash"] [data-testid="channel-net"]')!.textContent).toBe('交班时显示');
    expect(document.querySelector('[data-testid="report-channels"] tr[data-channel="cash"]')!.textContent).toContain('2');
    expect(document.querySelector('[data-testid="report-channels"] tr[data-channel="weixin"] [data-testid="channel-net"]')!.textContent).toBe('¥19.99');
    expect(document.querySelectorAll('[data-testid="shift-chart"] g[data-channel="cash"] rect')).toHaveLength(0);
    expect(page()).not.toContain('43.21');
    expect(page()).not.toContain('100.00');

    const pin = q('report-unlock-pin') as HTMLInputElement;
    pin.value = '12';
    pin.dispatchEvent(new Event('input'));
    (q('report-unlock') as HTMLButtonElement).click();
    await flush();
    expect(q('report-unlock-error')!.textContent).toBe('店长密码是 4–8 位数字');
    pin.value = '1111';
    pin.dispatchEvent(new Event('input'));
    (q('report-unlock') as HTMLButtonElement).click();
    await flush();
    expect(q('report-unlock-error')!.textContent).toBe('店长密码不正确');
    expect(q('report-expected')!.textContent).toBe('盲点收银：交班时显示');
    (q('report-unlock-pin') as HTMLInputElement).value = '0000';
    q('report-unlock-pin')!.dispatchEvent(new Event('input'));
    (q('report-unlock') as HTMLButtonElement).click();
    await flush();
    expect(q('report-expected')!.textContent).toBe('¥143.21');
    expect(q('report-blind')).toBeNull();
    expect(q('report-manager')!.textContent).toContain('店长查看');
    (q('report-lock') as HTMLButtonElement).click();
    await flush();
    expect(q('shift-report')).toBeNull();
    app.unmount();
  });

  it('the top-bar badge: nobody → signed in without a shift → signed in with shift #3', async () => {
    const pinia = createPinia();
    setActivePinia(pinia);
    fakePos.answer('shift.session', () => ({ ok: true, value: null }));
    const app = createApp(ShiftBadge).use(pinia);
    app.mount('#app');
    await flush();
    const badge = () => document.querySelector('[data-testid="shift-badge"]')!;
    expect(badge().textContent).toBe('未开班 · 未签到');
    const store = useShiftStore();
    store.session = { cashierId: 'c1', name: '小王' };
    await nextTick();
    expect(badge().textContent).toBe('小王 · 未开班');
    store.current = { shiftId: 3, cashierId: 'c1', openedAt: X.from, closedAt: null, floatFen: 0 };
    await nextTick();
    expect(badge().textContent).toBe('小王 · 班次 #3');
    expect(badge().getAttribute('data-state')).toBe('open');
    app.unmount();
  });
});
