// Handlers of merchant.*: balances and withdrawals at the gateway, behind the manager PIN.
// A withdrawal's out_trade_no is made here once and written to the journal before the request
// leaves; while one has no answer, no other is asked for: it is queried instead, so a lost answer
// never turns into a second withdrawal.
import { randomBytes } from 'node:crypto';
import type { PartialHandlers } from '../types.js';
import type { Runtime } from '../../app/runtime.js';
import type { GatewayOutcome } from '../../gateway/client.js';
import type { WithdrawView } from '../../../shared/ipc/contract.js';
import type { WithdrawalStore } from '../../merchant/withdrawals.js';
import { PosError } from '../../../shared/ipc/errors.js';

function unwrap<T>(o: GatewayOutcome<T>, what: string): T {
  if (o.kind === 'ok') return o.result;
  if (o.kind === 'rejected') throw new PosError('rejected', `${what}: ${o.message}`, { gatewayCode: o.code });
  throw new PosError('offline', `${what}: no answer from the gateway (${o.reason})`);
}

/** A withdrawal the gateway still does not know after this never arrived there. */
export const WITHDRAW_NOT_FOUND_GRACE_MS = 10 * 60_000;

export function newWithdrawNo(nowMs = Date.now()): string {
  return `W${nowMs}${randomBytes(4).toString('hex')}`;
}

export function merchantHandlers(rt: Runtime, withdrawals: WithdrawalStore): PartialHandlers {
  return {
    'merchant.balance': async ({ managerPin }) => {
      rt.pin.check(managerPin);
      const link = rt.gateway();
      const b = unwrap(await link.client.call('merchant.balance', { merchant_no: link.merchantNo }), 'merchant.balance');
      const u = await link.client.call('unionpay.withdraw_balance_query', {});
      return {
        balanceFen: b.balance,
        freezeFen: b.freeze,
        unliquidatedFen: b.unliquidated,
        // UnionPay not configured (15001/15002) is not an error for the balance screen.
        unionpay: u.kind === 'ok' ? { totalFen: u.result.withdraw_balance, freezeFen: u.result.freeze_balance, normalFen: u.result.normal_balance } : null,
      };
    },
    'merchant.withdraw': async ({ managerPin, via, ...w }) => {
      rt.pin.check(managerPin);
      const open = withdrawals.unanswered();
      if (open) throw new PosError('conflict', `withdrawal ${open.outTradeNo} has had no answer yet: query it before asking for another`);
      const link = rt.gateway();
      const outTradeNo = newWithdrawNo();
      const account = {
        out_trade_no: outTradeNo,
        amount: w.amountFen,
        bakn_account_no: w.bankAccountNo,
        bank_account_name: w.bankAccountName,
        bank_mobile: w.bankMobile,
        account_attr: w.accountAttr,
        bank_code: w.bankCode,
        bank_name: w.bankName,
        remark: w.remark,
      };
      withdrawals.record(outTradeNo, via, w.amountFen);
      rt.log(`merchant.withdraw ${outTradeNo} via ${via}: ${w.amountFen} fen`);
      const o =
        via === 'merchant'
          ? await link.client.call('merchant.withdraw', { ...account, merchant_no: link.merchantNo, id_card_no: w.idCardNo, province: w.province, city: w.city })
          : await link.client.call('unionpay.withdraw', account);
      // No answer: the record stays 'requested' and the manager queries it by this number.
      if (o.kind === 'rejected') withdrawals.update(outTradeNo, { state: 'refused', reason: `${o.code} ${o.message}` });
      if (o.kind === 'ok') withdrawals.update(outTradeNo, { state: 'processing' });
      if (o.kind !== 'unknown') unwrap(o, via === 'merchant' ? 'merchant.withdraw' : 'unionpay.withdraw');
      return { outTradeNo, tradeNo: null, amountFen: w.amountFen, feeFen: null, status: 'processing' } satisfies WithdrawView;
    },
    'merchant.withdrawQuery': async ({ managerPin, via, outTradeNo }) => {
      rt.pin.check(managerPin);
      const link = rt.gateway();
      const o = via === 'merchant' ? await link.client.call('merchant.withdraw_query', { merchant_no: link.merchantNo, out_trade_no: outTradeNo }) : await link.client.call('unionpay.withdraw_query', { out_trade_no: outTradeNo });
      // The gateway has no such withdrawal: once past the grace a slow gateway gets, the request
      // never arrived and nothing moved; before that, the record stays unanswered.
      const rec = withdrawals.get(outTradeNo);
      if (o.kind === 'rejected' && o.code === 12002 && rec && Date.now() - Date.parse(rec.createdAt) > WITHDRAW_NOT_FOUND_GRACE_MS) {
        withdrawals.update(outTradeNo, { state: 'refused', reason: `${o.code} ${o.message}` });
      }
      const r = unwrap(o, `${via === 'merchant' ? 'merchant' : 'unionpay'}.withdraw_query`);
      withdrawals.update(outTradeNo, { state: r.withdraw_state, tradeNo: r.trade_no ?? null, feeFen: r.fee ?? null });
      return { outTradeNo, tradeNo: r.trade_no ?? null, amountFen: r.amount, feeFen: r.fee ?? null, status: r.withdraw_state } satisfies WithdrawView;
    },
    'merchant.withdrawals': ({ managerPin }) => {
      rt.pin.check(managerPin);
      return withdrawals.list();
    },
  };
}
