// The simulated wallet page behind every QR / link URL the sandbox hands out: amount, merchant,
// and 付款 / 取消 buttons. The buttons POST `action=pay|cancel` to the same URL, which is also how
// tests and scripts act as the customer.
import { formatMoney } from '../../shared/money.js';
import { isMethodName, methodSpec } from '../../shared/methods.js';
import type { LedgerOrder } from './ledger.js';

const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const STATE_TEXT: Record<LedgerOrder['state'], string> = {
  pending: '等待付款 · waiting for payment',
  paid: '已付款 · paid',
  declined: '支付失败 · declined',
  closed: '已关闭 · closed',
  refunded: '已退款 · refunded',
};

export function walletPage(o: LedgerOrder, merchantName: string, notice: string | null = null): string {
  const title = isMethodName(o.method) ? methodSpec(o.method).variants[0]!.titleZh : o.method;
  const pending = o.state === 'pending';
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>沙箱钱包 · Sandbox wallet</title>
<style>
  body { font-family: system-ui, -apple-system, "PingFang SC", "Microsoft YaHei", sans-serif; background: #f2f3f5; margin: 0; color: #1f2329; }
  main { max-width: 360px; margin: 48px auto; background: #fff; border-radius: 12px; padding: 28px 24px; box-shadow: 0 2px 12px rgba(0,0,0,.08); text-align: center; }
  .badge { display: inline-block; font-size: 12px; color: #b54708; background: #fef0c7; border-radius: 999px; padding: 2px 10px; }
  .merchant { margin-top: 16px; font-size: 15px; color: #646a73; }
  .amount { font-size: 40px; font-weight: 600; margin: 8px 0 4px; }
  .meta { font-size: 13px; color: #8f959e; word-break: break-all; }
  .state { margin: 16px 0; font-size: 15px; }
  .notice { margin: 12px 0; font-size: 14px; color: #175cd3; }
  form { display: flex; gap: 12px; margin-top: 20px; }
  button { flex: 1; font-size: 17px; padding: 12px 0; border-radius: 8px; border: 0; cursor: pointer; }
  button[value=pay] { background: #07c160; color: #fff; }
  button[value=cancel] { background: #f2f3f5; color: #1f2329; }
</style></head>
<body><main>
  <span class="badge">沙箱 SANDBOX · 不会扣款 no real money</span>
  <div class="merchant">${esc(merchantName)}</div>
  <div class="amount" data-amount-fen="${o.amountFen}">${esc(formatMoney(o.amountFen))}</div>
  <div class="meta">${esc(title)} · ${esc(o.orderName ?? '')}</div>
  <div class="meta">订单号 ${esc(o.outTradeNo)}</div>
  <div class="state" data-state="${o.state}">${esc(STATE_TEXT[o.state])}</div>
  ${notice ? `<div class="notice">${esc(notice)}</div>` : ''}
  ${pending ? `<form method="post"><button name="action" value="pay">付款</button><button name="action" value="cancel">取消</button></form>` : ''}
</main></body></html>`;
}

export function notFoundPage(): string {
  return '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>沙箱钱包</title></head><body><p>找不到该支付 · no such payment</p></body></html>';
}
