// The whole till under Node, through the one handler table the renderer uses: real journal file,
// real embedded sandbox gateway over HTTP, real payment engine.
import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { Journal } from '../../../electron/journal/journal.js';
import { decodeToPrinted } from '../../../electron/printer/decode.js';
import { chromiumPdfRenderer } from '../../../electron/host/pdf.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startApp, type RunningApp } from '../../../electron/app/start.js';
import { FileSecretStore } from '../../../electron/settings/store.js';
import { dispatch } from '../../../electron/ipc/dispatch.js';
import type { PaymentView } from '../../../shared/ipc/contract.js';
import { call, ctx, dropAnswers } from './handlers.js';

const FAST = { queryIntervalMs: 100, payDeadlineMs: 3_000, requestTimeoutMs: 1_000, reconcileIntervalMs: 200, tickMs: 0 };
const apps: RunningApp[] = [];

async function start(dataDir = mkdtempSync(join(tmpdir(), 'pos-till-')), sandboxTimeScale = 0.01) {
  const app = await startApp({ dataDir, shell: 'browser-host', version: '0.0.0', secrets: new FileSecretStore(join(dataDir, 's.txt')), log: () => {}, sandboxTimeScale, engineConfig: FAST, renderPdf: chromiumPdfRenderer() });
  apps.push(app);
  return { app, dataDir };
}
async function settled(app: RunningApp, outTradeNo: string): Promise<string> {
  for (let i = 0; i < 200; i++) {
    const d = await call(app, 'orders.get', { outTradeNo });
    if (['paid', 'declined', 'closed', 'refunded'].includes(d.state)) return d.state;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${outTradeNo} did not settle`);
}
afterEach(async () => {
  while (apps.length) await apps.pop()!.close();
});

describe('the wired till', () => {
  it('takes a scan payment, a confirm-on-phone payment with progress events, and cash', async () => {
    const { app } = await start();
    expect(await call(app, 'app.info', {})).toMatchObject({ gatewayMode: 'sandbox', online: true });
    const paid = await call(app, 'checkout.scan', { amountFen: 1999, authCode: '134567890123456700' });
    expect(paid).toMatchObject({ state: 'paid', amountFen: 1999, channel: 'weixin', maskedAuthCode: '1345**********6700' });

    const events: PaymentView[] = [];
    app.runtime.bus.subscribe((event, payload) => {
      if (event === 'payment.progress') events.push(payload as PaymentView);
    });
    const waiting = await call(app, 'checkout.scan', { amountFen: 500, authCode: '2812345678901234501' });
    expect(waiting).toMatchObject({ state: 'pending', channel: 'alipay' });
    expect(await settled(app, waiting.outTradeNo)).toBe('paid');
    expect(events.some((e) => e.outTradeNo === waiting.outTradeNo && e.state === 'paid')).toBe(true);

    expect(await call(app, 'checkout.cash', { amountFen: 1250, tenderedFen: 2000 })).toMatchObject({ changeFen: 750 });
    const rows = await call(app, 'orders.search', {});
    expect(rows.total).toBe(3);
  });

  it('refunds behind the manager PIN, to the fen', async () => {
    const { app } = await start();
    const paid = await call(app, 'checkout.scan', { amountFen: 1000, authCode: '134567890123456711' });
    const wrong = await dispatch(app.handlers, 'orders.refund', { outTradeNo: paid.outTradeNo, amountFen: 300, managerPin: '1234' }, ctx);
    expect(wrong).toMatchObject({ ok: false, error: { code: 'pin_required' } });
    const after = await call(app, 'orders.refund', { outTradeNo: paid.outTradeNo, amountFen: 300, managerPin: '0000' });
    expect(after).toMatchObject({ refundedFen: 300, refundableFen: 700 });
    expect(app.runtime.gateway().sandbox!.ledger.refunds(paid.outTradeNo).map((r) => r.amountFen)).toEqual([300]);
  });

  it('refuses a gateway change while a payment is open, and recovers it after a restart', async () => {
    // Real sandbox time: 04 is charged at once but answers only after 30 s, so the 1 s client
    // timeout leaves the attempt pending with the money taken at the gateway.
    const first = await start(undefined, 1);
    const slow = await call(first.app, 'checkout.scan', { amountFen: 777, authCode: '134567890123456704' });
    expect(slow.state).toBe('pending');
    const refused = await dispatch(first.app.handlers, 'settings.save', { values: { gatewayUrl: 'https://pay.example.com/gateway', appId: 'a1', merchantNo: 'm1', secret: 'abcdefgh1234' }, managerPin: '0000' }, ctx);
    expect(refused).toMatchObject({ ok: false, error: { code: 'conflict' } });
    expect((await call(first.app, 'settings.get', {})).values.gatewayUrl).toBe('');
    await first.app.close();
    apps.splice(apps.indexOf(first.app), 1);

    const second = await start(first.dataDir);
    expect(await settled(second.app, slow.outTradeNo)).toBe('paid');
    expect(second.app.runtime.gateway().sandbox!.ledger.order(slow.outTradeNo)).toMatchObject({ amountFen: 777 });
  });
});

describe('recovery at start', () => {
  it('serves the cashier at once while the last run\'s owed work waits on a gateway that does not answer', async () => {
    // A gateway that takes connections and never answers: every recovery query waits its full timeout.
    const held: Socket[] = [];
    const blackHole: Server = createServer((sock) => void held.push(sock));
    await new Promise<void>((r) => blackHole.listen(0, '127.0.0.1', r));
    const port = (blackHole.address() as { port: number }).port;
    try {
      const dataDir = mkdtempSync(join(tmpdir(), 'pos-till-'));
      writeFileSync(join(dataDir, 'settings.json'), JSON.stringify({ gatewayUrl: `http://127.0.0.1:${port}/gateway`, appId: 'app1', merchantNo: 'M1', signType: 'MD5' }));
      writeFileSync(join(dataDir, 's.txt'), 'secret-secret-1');
      // The last run died with three payments in the air.
      const before = Journal.open({ path: join(dataDir, 'journal.sqlite'), terminalId: 'T01' });
      for (let i = 0; i < 3; i++) before.createAttempt({ kind: 'scan', channel: 'weixin', method: 'weixin.scan_qr_code_pay', amountFen: 100 + i, settleDueAtMs: 0 });
      before.close();

      const { app } = await start(dataDir);
      // start() returned before any of the three queries could have been answered (they never are).
      const info = await call(app, 'app.info', {});
      expect(info.recovery).toEqual({ running: true, owed: 3 });
      expect(await call(app, 'checkout.cash', { amountFen: 1250, tenderedFen: 2000 })).toMatchObject({ changeFen: 750 });
      expect((await call(app, 'orders.search', {})).total).toBe(4);
      // When the queries time out, recovery ends; the work stays owed, for the reconciler.
      const ended = await new Promise<unknown>((resolve) => app.runtime.bus.subscribe((event, payload) => event === 'checkout.recovery' && !(payload as { running: boolean }).running && resolve(payload)));
      expect(ended).toEqual({ running: false, owed: 3 });
    } finally {
      for (const s of held) s.destroy();
      blackHole.close();
    }
  });
});

describe('receipts in the wired till', () => {
  it('prints a receipt for each paid order, kicks the drawer on cash only, and refuses a bad printer setting', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'pos-till-'));
    const out = join(dataDir, 'printer.bin');
    const { app } = await start(dataDir);
    await call(app, 'settings.save', { values: { printer: `file:${out}`, paperWidthMm: 58 }, managerPin: '0000' });
    const refused = await dispatch(app.handlers, 'settings.save', { values: { printer: 'lpt1' }, managerPin: '0000' }, ctx);
    expect(refused).toMatchObject({ ok: false, error: { code: 'invalid_settings' } });
    expect((await call(app, 'settings.get', {})).values.printer).toBe(`file:${out}`);

    const paid = await call(app, 'checkout.scan', { amountFen: 1999, authCode: '134567890123456700' });
    await call(app, 'checkout.cash', { amountFen: 1250, tenderedFen: 2000 });
    for (let i = 0; i < 100 && (!existsSync(out) || decodeToPrinted(readFileSync(out)).drawerKicks.length === 0); i++) await new Promise((r) => setTimeout(r, 50));
    const printed = decodeToPrinted(readFileSync(out));
    const text = printed.lines.map((l) => l.text).join('\n');
    expect(text).toContain(paid.outTradeNo);
    expect(text).toContain('19.99');
    expect(text).toContain('12.50');
    expect(printed.drawerKicks).toHaveLength(1);
  });
});

describe('shifts in the wired till', () => {
  it('lets the manager add a cashier, who signs in, opens a shift, sells, closes a matching Z and exports it', async () => {
    const { app, dataDir } = await start();
    expect(await call(app, 'shift.cashiers', {})).toEqual([]);
    const refused = await dispatch(app.handlers, 'shift.addCashier', { id: 'c1', name: '小王', pin: '1357', managerPin: '9999' }, ctx);
    expect(refused).toMatchObject({ ok: false, error: { code: 'pin_required' } });
    await call(app, 'shift.addCashier', { id: 'c1', name: '小王', pin: '1357', managerPin: '0000' });
    expect(await call(app, 'shift.session', {})).toBeNull();
    await call(app, 'shift.signIn', { cashierId: 'c1', pin: '1357' });
    expect(await call(app, 'shift.session', {})).toEqual({ cashierId: 'c1', name: '小王' });
    const shift = await call(app, 'shift.open', { floatFen: 10_000 });

    await call(app, 'checkout.scan', { amountFen: 1999, authCode: '134567890123456700' });
    await call(app, 'checkout.cash', { amountFen: 1250, tenderedFen: 2000 });
    await call(app, 'shift.count', { countedFen: 11_250 });
    const z = await call(app, 'shift.close', { countedFen: 11_250 });
    expect(z).toMatchObject({ title: 'Z', totalNetFen: 3249, reconciliation: { matches: true, diffs: [] }, cash: { expectedFen: 11_250, varianceFen: 0 } });
    expect(z.channels.find((c) => c.channel === 'weixin')).toMatchObject({ salesCount: 1, salesFen: 1999 });

    const csv = await call(app, 'shift.export', { shiftId: shift.shiftId, format: 'csv' });
    expect(csv.path.startsWith(join(dataDir, 'exports'))).toBe(true);
    expect(readFileSync(csv.path, 'utf8')).toContain('19.99');
    const pdf = await call(app, 'shift.export', { shiftId: shift.shiftId, format: 'pdf' });
    expect(readFileSync(pdf.path).subarray(0, 5).toString()).toBe('%PDF-');
    await call(app, 'shift.signOut', {});
    expect(await call(app, 'shift.session', {})).toBeNull();
  }, 90_000); // a Chromium PDF render, on a loaded 2-core machine
});

describe('withdrawals in the wired till', () => {
  const account = { via: 'merchant' as const, bankAccountNo: '6222020202020202', bankAccountName: '张三', bankMobile: '13800138000', accountAttr: 0 as const, remark: '提现' };

  it('are journaled before they leave; a lost answer blocks a second one until it is queried', async () => {
    const { app } = await start();
    await call(app, 'checkout.scan', { amountFen: 50_000, authCode: '134567890123456700' });
    const sandbox = app.runtime.gateway().sandbox!;
    sandbox.ledger.settleAll();

    // The gateway acts on the request, but its answer is lost on the way back.
    const restore = dropAnswers(app, 'merchant.withdraw');

    const first = await call(app, 'merchant.withdraw', { managerPin: '0000', amountFen: 10_000, ...account });
    expect(await call(app, 'merchant.withdrawals', { managerPin: '0000' })).toMatchObject([{ outTradeNo: first.outTradeNo, amountFen: 10_000, state: 'requested' }]);
    expect(sandbox.ledger.withdrawals()).toHaveLength(1);

    const second = await dispatch(app.handlers, 'merchant.withdraw', { managerPin: '0000', amountFen: 10_000, ...account }, ctx);
    expect(second).toMatchObject({ ok: false, error: { code: 'conflict' } });
    expect(sandbox.ledger.withdrawals()).toHaveLength(1);

    await call(app, 'merchant.withdrawQuery', { managerPin: '0000', via: 'merchant', outTradeNo: first.outTradeNo });
    expect((await call(app, 'merchant.withdrawals', { managerPin: '0000' }))[0]).toMatchObject({ state: 'processing' });
    sandbox.ledger.completeWithdrawals('paid');
    await call(app, 'merchant.withdrawQuery', { managerPin: '0000', via: 'merchant', outTradeNo: first.outTradeNo });
    expect((await call(app, 'merchant.withdrawals', { managerPin: '0000' }))[0]).toMatchObject({ state: 'paid', feeFen: 200 });

    // Answered now: the next one may go, and a refusal is recorded as such.
    restore();
    const refused = await dispatch(app.handlers, 'merchant.withdraw', { managerPin: '0000', amountFen: 10_000_000, ...account }, ctx);
    expect(refused).toMatchObject({ ok: false, error: { code: 'rejected', gatewayCode: 15503 } });
    expect((await call(app, 'merchant.withdrawals', { managerPin: '0000' }))[0]).toMatchObject({ amountFen: 10_000_000, state: 'refused' });
  });
});
