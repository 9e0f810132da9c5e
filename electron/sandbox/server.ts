// The sandbox gateway as an HTTP server on 127.0.0.1: the protocol endpoint (`/gateway`), the
// wallet pages (`/pay/{token}`), and a typed view of its ledger for tests.
import { generateKeyPair, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import type { Fen } from '../../shared/money.js';
import { md5Signer, privateKeyFromPem, publicKeyFromPem, rsaSigner, type Signer } from '../gateway/sign.js';
import { DAY_MS, HOUR_MS, createClock } from './clock.js';
import { GatewayCore, type LiveIds, type MerchantConfig, type SandboxChannel, type UnionpayProduct } from './core.js';
import { Ledger, type LedgerBalances, type LedgerOrder, type LedgerRefund, type LedgerWithdrawal, type NotifyAttempt, type SandboxOrderState } from './ledger.js';
import { Notifier } from './notifier.js';
import { MAX_REQUEST_BYTES, answer, encodeAnswer, parseRequestBody } from './protocol.js';
import { notFoundPage, walletPage } from './wallet.js';

export const DEMO_APP_ID = 'sandbox_app';
export const DEMO_SECRET = 'sandbox-secret-0123456789abcdef';
export const DEMO_MERCHANT_NO = '88800000000000000001';
export const DEMO_MERCHANT_NAME = '沙箱便利店 Sandbox Store';
/** The live-style profile's registered WeChat ids (real-looking, not the placeholders). */
export const LIVE_PROFILE_IDS: LiveIds = { subAppId: 'wx8a3f5c2e9b1d4760', subMchId: '1900012345' };
/** 0.38%, the usual rate of a small WeChat / Alipay merchant. */
export const DEFAULT_FEE_RATE_PPM = 3800;
/** WeChat Pay allows refunds for a year. */
export const DEFAULT_REFUND_WINDOW_MS = 365 * DAY_MS;
export const DEFAULT_SETTLE_AFTER_MS = DAY_MS;
export const DEFAULT_WITHDRAW_AFTER_MS = 2 * HOUR_MS;
export const DEFAULT_WITHDRAW_FEE_FEN = 200;
/** How long an idle keep-alive connection stays open. */
export const KEEP_ALIVE_TIMEOUT_MS = 30_000;

export interface SandboxOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  appId?: string;
  secret?: string;
  merchantNo?: string;
  merchantName?: string;
  /** One sandbox second lasts `timeScale` real seconds (0.01 = 100× faster). */
  timeScale?: number;
  /** SQLite file for the ledger; in memory when absent. */
  dbPath?: string;
  /** Sandbox ms after payment during which refunds are allowed (then 14500). */
  refundWindowMs?: number;
  /** Enables RSA requests: the merchant's public key. */
  merchantPublicKeyPem?: string;
  /** The platform key that signs RSA answers; generated when absent. */
  platformPrivateKeyPem?: string;
  /** Channels (default: all on). A channel off answers 10006; UnionPay off answers 15001. */
  channels?: Partial<Record<SandboxChannel, boolean>>;
  /** UnionPay products configured (default all); a missing one answers 15002. */
  unionpayProducts?: UnionpayProduct[];
  /** false answers 15502 to withdrawals. */
  withdrawConfigured?: boolean;
  /** true answers 10012 to everything. */
  tradingClosed?: boolean;
  /** Methods answered 13001. */
  forbiddenMethods?: string[];
  /**
   * A live-style merchant profile: real-looking WeChat ids are registered and required
   * (missing / placeholder / other ones answer 10005 or 10009). `true` uses LIVE_PROFILE_IDS.
   */
  liveProfile?: boolean | Partial<LiveIds>;
  feeRatePpm?: number;
  withdrawFeeFen?: Fen;
  /** Sandbox ms after payment when an order's net settles. */
  settleAfterMs?: number;
  /** Real ms a callback delivery may take before it counts as unanswered (default 5 s). */
  notifyTimeoutMs?: number;
  /** Sandbox ms a withdrawal takes. */
  withdrawAfterMs?: number;
  /** Settled money the merchant starts with. */
  openingBalanceFen?: Fen;
  log?: (line: string) => void;
  fetchImpl?: typeof fetch;
  /** The sandbox's wall clock (default Date.now); tests use one that lags the timers. */
  now?: () => number;
}

/** Read access to the ledger (scenario times applied first) and the fault-injection hooks. */
export interface SandboxLedgerView {
  orders(): LedgerOrder[];
  order(outTradeNo: string): LedgerOrder | null;
  refunds(outTradeNo?: string): LedgerRefund[];
  balances(): LedgerBalances;
  withdrawals(): LedgerWithdrawal[];
  notifications(outTradeNo?: string): NotifyAttempt[];
  markPaid(outTradeNo: string): LedgerOrder;
  setState(outTradeNo: string, state: SandboxOrderState): LedgerOrder;
  setAmount(outTradeNo: string, amountFen: Fen): LedgerOrder;
  injectOrder(o: { outTradeNo: string; amountFen: Fen; method?: string; state?: SandboxOrderState }): LedgerOrder;
  injectRefund(outTradeNo: string, amountFen: Fen, outRefundNo?: string): LedgerRefund;
  deleteOrder(outTradeNo: string): void;
  settleAll(): number;
  completeWithdrawals(state?: 'paid' | 'failed'): number;
  adjustBalance(amountFen: Fen, reason: string): void;
}

export interface RunningSandbox {
  gatewayUrl: string;
  baseUrl: string;
  appId: string;
  secret: string;
  merchantNo: string;
  merchantName: string;
  /** The live-style profile's WeChat ids (null: the demo merchant). */
  liveIds: LiveIds | null;
  platformPublicKeyPem: string;
  timeScale: number;
  ledger: SandboxLedgerView;
  /** Acts as the customer of a QR / link order (what the wallet page's buttons do). */
  customer: {
    pay(outTradeNo: string): { ok: boolean; state: SandboxOrderState | null; reason?: string };
    cancel(outTradeNo: string): { ok: boolean; state: SandboxOrderState | null; reason?: string };
    walletUrl(outTradeNo: string): string | null;
  };
  close(): Promise<void>;
}

const generateKeyPairAsync = promisify(generateKeyPair);

export async function startSandbox(opts: SandboxOptions = {}): Promise<RunningSandbox> {
  const timeScale = opts.timeScale ?? 1;
  const clock = createClock(timeScale, opts.now);
  const appId = opts.appId ?? DEMO_APP_ID;
  const secret = opts.secret ?? DEMO_SECRET;
  const merchantNo = opts.merchantNo ?? DEMO_MERCHANT_NO;
  const merchantName = opts.merchantName ?? DEMO_MERCHANT_NAME;

  let platformPrivatePem = opts.platformPrivateKeyPem;
  if (!platformPrivatePem) {
    const pair = await generateKeyPairAsync('rsa', { modulusLength: 2048 });
    platformPrivatePem = pair.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
  }
  const platformPrivate = privateKeyFromPem(platformPrivatePem, 'platformPrivateKeyPem');
  const platformPublicKeyPem = publicKeyFromPem(platformPrivatePem).export({ type: 'spki', format: 'pem' }) as string;
  const md5 = md5Signer(secret);
  const rsa = opts.merchantPublicKeyPem ? rsaSigner(platformPrivate, publicKeyFromPem(opts.merchantPublicKeyPem, 'merchantPublicKeyPem')) : null;
  // Callbacks of RSA orders are signed with the platform key; the merchant verifies with its copy.
  const callbackRsa: Signer = rsa ?? rsaSigner(platformPrivate, publicKeyFromPem(platformPublicKeyPem));

  const merchant: MerchantConfig = {
    appId,
    merchantNo,
    merchantName,
    channels: { weixin: true, alipay: true, qq: true, jd: true, unionpay: true, ...opts.channels },
    unionpayProducts: opts.unionpayProducts ?? ['gateway', 'wap', 'withdraw'],
    withdrawConfigured: opts.withdrawConfigured ?? true,
    tradingClosed: opts.tradingClosed ?? false,
    forbiddenMethods: opts.forbiddenMethods ?? [],
    liveIds: opts.liveProfile ? { ...LIVE_PROFILE_IDS, ...(opts.liveProfile === true ? {} : opts.liveProfile) } : null,
    refundWindowMs: opts.refundWindowMs ?? DEFAULT_REFUND_WINDOW_MS,
    withdrawFeeFen: opts.withdrawFeeFen ?? DEFAULT_WITHDRAW_FEE_FEN,
    withdrawAfterMs: opts.withdrawAfterMs ?? DEFAULT_WITHDRAW_AFTER_MS,
  };
  const ledger = new Ledger({
    ...(opts.dbPath ? { dbPath: opts.dbPath } : {}),
    clock,
    feeRatePpm: opts.feeRatePpm ?? DEFAULT_FEE_RATE_PPM,
    settleAfterMs: opts.settleAfterMs ?? DEFAULT_SETTLE_AFTER_MS,
    defaultMerchantNo: merchantNo,
  });
  if (opts.openingBalanceFen) ledger.adjustBalance(opts.openingBalanceFen, 'opening balance');
  const notifier = new Notifier({
    ledger,
    clock,
    signerFor: (t) => (t === 'RSA' ? callbackRsa : md5),
    ...(opts.fetchImpl ? { fetchImpl: opts.fetchImpl } : {}),
    ...(opts.notifyTimeoutMs !== undefined ? { timeoutMs: opts.notifyTimeoutMs } : {}),
    ...(opts.log ? { log: opts.log } : {}),
  });
  let baseUrl = '';
  const core = new GatewayCore({
    merchant,
    ledger,
    clock,
    notifier,
    md5,
    rsa,
    walletUrl: (token) => `${baseUrl}/pay/${token}`,
    ...(opts.log ? { log: opts.log } : {}),
  });

  const heldAnswers = new Set<NodeJS.Timeout>();
  const server: Server = createServer((req, res) => {
    handleHttp(req, res).catch((err: unknown) => {
      opts.log?.(`sandbox: internal error ${(err as Error).message}`);
      if (!res.headersSent) send(res, 500, 'text/plain; charset=utf-8', 'sandbox internal error');
      else res.destroy();
    });
  });
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;

  async function handleHttp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = req.url ?? '/';
    const path = url.split('?')[0]!;
    if (path === '/gateway') {
      if (req.method !== 'POST') return send(res, 405, 'text/plain; charset=utf-8', 'POST only');
      const body = await readBody(req);
      if (body === null) return send(res, 413, 'text/plain; charset=utf-8', `request exceeds ${MAX_REQUEST_BYTES} bytes`);
      const fields = parseRequestBody(body, req.headers['content-type']);
      if (!fields) return sendJson(res, encodeAnswer(answer(10008, 'body: must be a form or a JSON object'), null));
      const r = core.handle(fields);
      const text = encodeAnswer(r.answer, r.signer);
      if (r.delayMs <= 0) return sendJson(res, text);
      const t = setTimeout(() => {
        heldAnswers.delete(t);
        if (res.destroyed) return;
        if (r.dropAnswer) res.destroy();
        else sendJson(res, text);
      }, r.delayMs);
      heldAnswers.add(t);
      return;
    }
    const pay = /^\/pay\/([0-9a-f]{24})$/.exec(path);
    if (pay) {
      const token = pay[1]!;
      if (req.method === 'POST') {
        const body = (await readBody(req)) ?? '';
        const action = new URLSearchParams(body).get('action');
        if (action !== 'pay' && action !== 'cancel') return send(res, 400, 'text/plain; charset=utf-8', 'action: must be pay or cancel');
        const r = core.walletAction(token, action);
        if (!r.order) return send(res, 404, 'text/html; charset=utf-8', notFoundPage());
        const notice = r.ok ? (action === 'pay' ? '付款成功 · payment made' : '已取消 · cancelled') : `无法操作 · ${r.reason}`;
        return send(res, r.ok ? 200 : 409, 'text/html; charset=utf-8', walletPage(r.order, merchantName, notice));
      }
      const found = ledger.orderByToken(token);
      const o = found ? core.order(found.outTradeNo) : null;
      if (!o) return send(res, 404, 'text/html; charset=utf-8', notFoundPage());
      return send(res, 200, 'text/html; charset=utf-8', walletPage(o, merchantName));
    }
    if (path === '/' && req.method === 'GET') {
      return send(res, 200, 'text/plain; charset=utf-8', `Sandbox gateway (no real money). POST ${baseUrl}/gateway\n`);
    }
    return send(res, 404, 'text/plain; charset=utf-8', 'not found');
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  baseUrl = `http://127.0.0.1:${port}`;

  const view: SandboxLedgerView = {
    orders: () => (core.resolveDue(), ledger.orders(merchantNo)),
    order: (n) => (core.resolveDue(), ledger.order(n)),
    refunds: (n) => ledger.refunds(n),
    balances: () => (core.resolveDue(), ledger.balances()),
    withdrawals: () => ledger.withdrawals(),
    notifications: (n) => ledger.notifications(n),
    markPaid: (n) => ledger.markPaid(n),
    setState: (n, s) => ledger.setState(n, s),
    setAmount: (n, a) => ledger.setAmount(n, a),
    injectOrder: (o) => ledger.injectOrder(o),
    injectRefund: (n, a, r) => ledger.injectRefund(n, a, r),
    deleteOrder: (n) => ledger.deleteOrder(n),
    settleAll: () => ledger.settleAll(),
    completeWithdrawals: (s) => ledger.completeWithdrawals(s),
    adjustBalance: (a, r) => ledger.adjustBalance(a, r),
  };
  const act = (outTradeNo: string, action: 'pay' | 'cancel') => {
    const o = ledger.order(outTradeNo);
    if (!o || !o.token) return { ok: false, state: o?.state ?? null, reason: o ? 'not a QR / link order' : 'no such order' };
    const r = core.walletAction(o.token, action);
    return r.ok ? { ok: true, state: r.order.state } : { ok: false, state: r.order?.state ?? null, reason: r.reason };
  };

  let closing: Promise<void> | null = null;
  return {
    gatewayUrl: `${baseUrl}/gateway`,
    baseUrl,
    appId,
    secret,
    merchantNo,
    merchantName,
    liveIds: merchant.liveIds ?? null,
    platformPublicKeyPem,
    timeScale,
    ledger: view,
    customer: {
      pay: (n) => act(n, 'pay'),
      cancel: (n) => act(n, 'cancel'),
      walletUrl: (n) => {
        const o = ledger.order(n);
        return o?.token ? `${baseUrl}/pay/${o.token}` : null;
      },
    },
    close: () => {
      closing ??= (async () => {
        core.close();
        notifier.close();
        for (const t of heldAnswers) clearTimeout(t);
        heldAnswers.clear();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        ledger.close();
      })();
      return closing;
    },
  };
}

function readBody(req: IncomingMessage): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    let over = false;
    req.on('data', (c: Buffer) => {
      if (over) return;
      total += c.length;
      if (total > MAX_REQUEST_BYTES) {
        over = true;
        chunks.length = 0;
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(over ? null : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function sendJson(res: ServerResponse, text: string): void {
  send(res, 200, 'application/json; charset=utf-8', text);
}

/** A random secret for a fresh sandbox merchant (CLI --secret omitted is still the demo one). */
export function randomSecret(): string {
  return randomBytes(16).toString('hex');
}
