// A PaymentView as the engine reports it, with the fields a test cares about overridden.
import type { PaymentView } from '../../../shared/ipc/contract';

export function view(over: Partial<PaymentView> = {}): PaymentView {
  return {
    outTradeNo: 'T1',
    saleId: 1,
    kind: 'scan',
    channel: 'weixin',
    method: 'weixin.scan_qr_code_pay',
    amountFen: 1250,
    state: 'pending',
    tradeNo: null,
    qrUrl: null,
    secondsLeft: 45,
    reason: null,
    reasonCode: null,
    maskedAuthCode: '1345**********7801',
    createdAt: '2025-01-01T10:00:00.000Z',
    updatedAt: '2025-01-01T10:00:00.000Z',
    ...over,
  };
}
