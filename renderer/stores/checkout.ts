// The checkout: amount entry (keypad and keyboard), sale lines, the payment mode (扫码 / 二维码 / 现金),
// and the payment attempt in progress as the engine reports it (PaymentView from the call's answer
// and from payment.progress events). The store decides nothing about money: the engine does; this
// only shows what the engine says, and never shows a payment that is not final as failed.
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { invoke, onEvent } from '../api';
import { t } from '../i18n';
import { classifyScan, maskCode } from '../../shared/paycode';
import { sumFen, MAX_AMOUNT_FEN, formatYuan, type Fen } from '../../shared/money';
import { isFinalAttemptState, type QrMethod } from '../../shared/payment';
import type { CashResult, PaymentView } from '../../shared/ipc/contract';
import type { IpcError } from '../../shared/ipc/errors';
import { pressKey, textToFen, type KeypadKey } from '../lib/keypad';
import { useCountdown } from '../lib/countdown';
import { WEDGE_MAX_GAP_MS } from '../scanner/wedge';
import { explainError, isWaiting, newerView, outcomeOf, type Outcome } from '../lib/outcome';
import { useCartStore } from './cart';
import type { Notice, PayMode, Phase, SaleLineDraft } from './checkout-types';
import { useCheckoutDisplay } from './checkout-display';
import { useGoodsScan } from './checkout-goods';
import { useCheckoutArm } from './checkout-arm';
import { currentView } from '../router';

export type { Notice, PayMode, Phase, SaleLineDraft } from './checkout-types';
export { DISPLAY_UPDATE_MS } from './checkout-display';

/** The engine's reason codes for an attempt the till stopped waiting for (see lib/outcome.ts). */
const GIVING_UP_CODES = ['cancelled', 'deadline', 'expired_waiting'];
/** A progress event for an attempt created this long before our call started is not ours. */
export const ADOPT_EVENT_SLACK_MS = 5_000;
/** Lines on one sale (the contract allows 200). */
export const MAX_LINES = 200;

export const useCheckoutStore = defineStore('checkout', () => {
  /** Goods rung up from the catalogue (issue 11); the typed-amount mode below works without them. */
  const cart = useCartStore();
  const amountText = ref('');
  const lines = ref<SaleLineDraft[]>([]);
  const note = ref('');
  const mode = ref<PayMode>('scan');
  const qrMethod = ref<QrMethod>('weixin.qr_code_pay');
  const tenderText = ref('');
  const phase = ref<Phase>('entry');
  const view = ref<PaymentView | null>(null);
  const cash = ref<CashResult | null>(null);
  const notice = ref<Notice | null>(null);
  /** The cashier pressed cancel while waiting: ask once more before reversing. */
  const cancelAsked = ref(false);
  const cancelling = ref(false);
  /** The last key the keypad refused (for a short shake), with a counter so repeats re-trigger. */
  const refusedKey = ref(0);
  const countdown = useCountdown();
  /**
   * Keys closer together than this belong to one burst (the keyboard-wedge gun's setting). The
   * wedge detector lets a gun's digits through as ordinary keys and only tells us at the burst's
   * Enter that they were a scan: the amount typed before the burst is kept here to restore then.
   */
  const wedgeGapMs = ref(WEDGE_MAX_GAP_MS);
  let burst: { lastMs: number; amountText: string; tenderText: string; refusedKey: number } | null = null;
  /** The call on its way: what it was for, so that its progress events can be recognised. */
  let sending: { kind: PaymentView['kind']; amountFen: Fen; startedAtMs: number } | null = null;

  const entryFen = computed(() => textToFen(amountText.value));
  const linesFen = computed(() => sumFen(lines.value.map((l) => l.qty * l.unitFen)));
  // With goods rung up the total is the cart's (discounts and 抹零 included); a typed price joins it by "+".
  const totalFen = computed(() => (cart.active ? cart.money.totalFen : linesFen.value + entryFen.value));
  const tenderFen = computed(() => textToFen(tenderText.value));
  const changeFen = computed(() => Math.max(0, tenderFen.value - totalFen.value));
  /**
   * Why the till gave up on the attempt (the cashier cancelled, the deadline passed): the final
   * state after the reverse only says "closed", and the cashier should hear the reason.
   */
  const givingUp = ref<{ reasonCode: string; reason: string | null } | null>(null);
  const outcome = computed<Outcome | null>(() => (view.value ? outcomeOf(view.value) : null));
  const waiting = computed(() => phase.value === 'sending' || (phase.value === 'payment' && outcome.value !== null && isWaiting(outcome.value)));
  const secondsLeft = countdown.secondsLeft;
  /** The reason the result screen explains: the giving-up reason for a reversed attempt. */
  const resultReason = computed(() => {
    const v = view.value;
    if (!v) return { reasonCode: null, reason: null };
    if ((v.state === 'closed' || v.state === 'refunded') && givingUp.value) return givingUp.value;
    return { reasonCode: v.reasonCode, reason: v.reason };
  });
  /** Money can be taken: an amount, no payment running. */
  const canPay = computed(() => phase.value === 'entry' && totalFen.value > 0 && totalFen.value <= MAX_AMOUNT_FEN);

  // ---------- entry ----------
  /** A key from the keyboard, with the event's time: part of a possible wedge burst. */
  function pressAt(key: KeypadKey, timeMs: number): void {
    if (!burst || timeMs - burst.lastMs > wedgeGapMs.value) {
      burst = { lastMs: timeMs, amountText: amountText.value, tenderText: tenderText.value, refusedKey: refusedKey.value };
    } else burst.lastMs = timeMs;
    press(key);
  }

  /** The burst was a wedge gun's scan, not typing: put the amount back as it was before it. */
  function undoBurst(): void {
    if (!burst) return;
    amountText.value = burst.amountText;
    tenderText.value = burst.tenderText;
    refusedKey.value = burst.refusedKey;
    burst = null;
  }

  function press(key: KeypadKey): void {
    const target = phase.value === 'tender' ? tenderText : amountText;
    if (phase.value !== 'entry' && phase.value !== 'tender') return;
    const r = pressKey(target.value, key);
    target.value = r.text;
    if (!r.accepted) refusedKey.value++;
    if (phase.value === 'entry') clearNoticeOnTyping();
  }

  function clearNoticeOnTyping(): void {
    if (notice.value?.tone !== 'error') notice.value = null;
  }

  /** "+": the amount typed so far becomes a line of the sale, and the next amount adds to it. */
  function addLine(name?: string, barcode?: string): boolean {
    if (phase.value !== 'entry' || entryFen.value <= 0) return false;
    if (lines.value.length >= MAX_LINES) {
      notice.value = { tone: 'warn', text: t('checkout.tooManyLines', { n: MAX_LINES }) };
      return false;
    }
    if (totalFen.value > MAX_AMOUNT_FEN) {
      refusedKey.value++;
      return false;
    }
    if (cart.active) {
      cart.addMisc(name ?? t('checkout.lineName', { n: cart.lines.length + 1 }), entryFen.value);
      amountText.value = '';
      return true;
    }
    const line: SaleLineDraft = { name: name ?? t('checkout.lineName', { n: lines.value.length + 1 }), qty: 1, unitFen: entryFen.value };
    if (barcode) line.barcode = barcode;
    lines.value.push(line);
    amountText.value = '';
    return true;
  }

  function removeLine(index: number): void {
    if (phase.value === 'entry') lines.value.splice(index, 1);
  }

  function setMode(next: PayMode): void {
    if (phase.value !== 'entry' && phase.value !== 'tender') return;
    mode.value = next;
    phase.value = 'entry';
    tenderText.value = '';
    notice.value = null;
  }

  /** Clears the sale being typed (Esc on the entry screen). */
  function clearSale(): void {
    amountText.value = '';
    lines.value = [];
    note.value = '';
    tenderText.value = '';
    notice.value = null;
    cart.clear();
  }

  /** The sale lines for the contract: the typed amount joins them when there are lines. */
  function saleFields(): { note?: string; lines?: { name: string; barcode?: string; qty: number; unitFen: Fen }[]; adjust?: { orderDiscountFen: Fen; roundingFen: Fen }; managerPin?: string } {
    const out: { note?: string; lines?: SaleLineDraft[] } = {};
    if (note.value.trim()) out.note = note.value.trim();
    if (cart.active) return { ...out, ...cart.saleFields() };
    if (lines.value.length) {
      const all = [...lines.value];
      if (entryFen.value > 0) all.push({ name: t('checkout.lineName', { n: all.length + 1 }), qty: 1, unitFen: entryFen.value });
      out.lines = all;
    }
    return out;
  }

  // ---------- scans (serial gun, keyboard wedge, or typed by hand) ----------
  /**
   * Routes one read: a payment code starts a scan payment when an amount waits for it.
   * `source` 'wedge': the read was typed by a keyboard-wedge gun, whose digits reached the keypad.
   */
  function acceptScan(code: string, source: 'serial' | 'wedge' | 'manual' = 'serial'): void {
    if (source === 'wedge') undoBurst();
    const scan = classifyScan(code.trim());
    if (scan.kind === 'payment') {
      if (phase.value === 'entry' && canPay.value) {
        void startScan(scan.code);
      } else if (phase.value === 'entry' || phase.value === 'tender') {
        notice.value = { tone: 'warn', text: t('checkout.enterAmountFirst'), detail: maskCode(scan.code) };
      } else {
        notice.value = { tone: 'warn', text: t('checkout.busyScan'), detail: maskCode(scan.code) };
      }
      return;
    }
    if (phase.value !== 'entry') return;
    void scanGoods(scan.code, scan.kind === 'product');
  }

  // A product barcode, scale label or shop code goes to the catalogue (checkout-goods.ts).
  const { unknownBarcode, scanGoods } = useGoodsScan({ cart, phase, notice, entryFen, addLine, errorNotice, maxLines: MAX_LINES });

  // ---------- payments ----------
  function begin(kind: PaymentView['kind'], amountFen: Fen = totalFen.value): void {
    phase.value = 'sending';
    view.value = null;
    cash.value = null;
    notice.value = null;
    cancelAsked.value = false;
    countdown.set(null);
    displayHandsOver();
    sending = { kind, amountFen, startedAtMs: Date.now() };
  }

  function failed(error: IpcError): void {
    sending = null;
    // An attempt already reported by an event stays on screen: its outcome is the engine's.
    if (view.value) return;
    phase.value = 'entry';
    notice.value = errorNotice(error);
  }

  function errorNotice(error: IpcError): Notice {
    const e = explainError(error);
    return { tone: 'error', text: t(e.what), next: t(e.next), detail: e.detail };
  }

  async function startScan(authCode: string): Promise<void> {
    if (!canPay.value) return;
    mode.value = 'scan';
    const payload = { amountFen: totalFen.value, authCode, ...saleFields() };
    begin('scan');
    const r = await invoke('checkout.scan', payload);
    if (r.ok) applyView(r.value);
    else failed(r.error);
  }

  async function startQr(): Promise<void> {
    if (!canPay.value) return;
    const payload = { amountFen: totalFen.value, method: qrMethod.value, ...saleFields() };
    begin('qr');
    const r = await invoke('checkout.qr', payload);
    if (r.ok) applyView(r.value);
    else failed(r.error);
  }

  /** 现金 → the tender screen (Enter on the amount). */
  function toTender(): void {
    if (!canPay.value) return;
    mode.value = 'cash';
    tenderText.value = '';
    phase.value = 'tender';
    notice.value = null;
  }

  function setTender(fen: Fen): void {
    if (phase.value === 'tender') tenderText.value = formatYuan(fen);
  }

  async function payCash(): Promise<void> {
    if (phase.value !== 'tender') return;
    if (tenderFen.value < totalFen.value) {
      notice.value = { tone: 'warn', text: t('cash.notEnough', { amount: formatYuan(totalFen.value) }) };
      refusedKey.value++;
      return;
    }
    const payload = { amountFen: totalFen.value, tenderedFen: tenderFen.value, ...saleFields() };
    phase.value = 'sending';
    sending = null;
    displayHandsOver();
    const r = await invoke('checkout.cash', payload);
    if (r.ok) {
      cash.value = r.value;
      phase.value = 'cashDone';
      clearSale();
    } else {
      phase.value = 'tender';
      notice.value = errorNotice(r.error);
    }
  }

  // ---------- the customer display (checkout-display.ts) ----------
  const { displayHandsOver } = useCheckoutDisplay({
    phase, totalFen, wedgeGapMs, saleFields,
    typing: [amountText, lines, phase, () => cart.lines, () => cart.orderDiscount],
  });

  function applyView(next: PaymentView): void {
    if (view.value?.outTradeNo !== next.outTradeNo) givingUp.value = null;
    const merged = newerView(view.value, next);
    if (!isFinalAttemptState(merged.state) && merged.reasonCode && GIVING_UP_CODES.includes(merged.reasonCode)) {
      givingUp.value = { reasonCode: merged.reasonCode, reason: merged.reason };
    }
    view.value = merged;
    phase.value = 'payment';
    sending = null;
    if (merged === next) countdown.set(!isFinalAttemptState(next.state) ? next.secondsLeft : null);
    if (merged.state === 'paid') {
      // The sale is done: the next amount starts a new one.
      clearSale();
      cancelAsked.value = false;
    }
    if (isFinalAttemptState(merged.state)) cancelAsked.value = false;
  }

  function askCancel(): void {
    if (view.value && !isFinalAttemptState(view.value.state) && view.value.state !== 'reversing') cancelAsked.value = true;
  }

  async function cancelPayment(): Promise<void> {
    const current = view.value;
    if (!current || isFinalAttemptState(current.state) || cancelling.value) return;
    cancelling.value = true;
    try {
      const r = await invoke('checkout.cancel', { outTradeNo: current.outTradeNo });
      cancelAsked.value = false;
      if (r.ok) applyView(r.value);
      else notice.value = errorNotice(r.error);
    } finally {
      cancelling.value = false;
    }
  }

  /** Leaves a final result: paid / cash → a new sale; declined / closed → back to the amount, kept. */
  function finish(): void {
    if (phase.value === 'payment' && view.value && !isFinalAttemptState(view.value.state)) return;
    if (phase.value === 'sending') return;
    phase.value = 'entry';
    view.value = null;
    cash.value = null;
    countdown.set(null);
    cancelAsked.value = false;
    if (mode.value === 'cash') mode.value = 'scan';
  }

  /** After a reload of the window: the payment still running at this till, if any. */
  async function resume(): Promise<void> {
    const r = await invoke('checkout.current', {});
    // The engine also answers its last attempt once final: only one still running is resumed.
    if (r.ok && r.value && !isFinalAttemptState(r.value.state) && phase.value === 'entry') applyView(r.value);
  }

  // ---------- a serial gun's payment code, started by main (checkout-arm.ts) ----------
  // Armed only while the cashier sees the checkout (never from History or Settings, where the old
  // path ignored a gun's read too); the customer display's window never arms nor disarms.
  useCheckoutArm({
    enabled: currentView.value !== 'customer',
    sale: () => (currentView.value === 'checkout' && phase.value === 'entry' && mode.value === 'scan' && canPay.value ? { amountFen: totalFen.value, ...saleFields() } : null),
    started: (e) => {
      // Money may be moving: the payment is shown whatever the screen was doing.
      mode.value = 'scan';
      begin('scan', e.amountFen);
    },
    done: (e) => {
      if (e.result.ok) applyView(e.result.value);
      else failed(e.result.error);
    },
  });

  onEvent('payment.progress', (v) => {
    if (view.value && view.value.outTradeNo === v.outTradeNo) {
      applyView(v);
      return;
    }
    if (phase.value === 'sending' && sending && !view.value) {
      const created = Date.parse(v.createdAt);
      const ours = v.kind === sending.kind && v.amountFen === sending.amountFen && (Number.isNaN(created) || created >= sending.startedAtMs - ADOPT_EVENT_SLACK_MS);
      if (ours) applyView(v);
    }
  });

  return {
    amountText, lines, note, mode, qrMethod, tenderText, phase, view, cash, notice, cancelAsked, cancelling, refusedKey,
    entryFen, linesFen, totalFen, tenderFen, changeFen, outcome, waiting, secondsLeft, canPay, resultReason,
    unknownBarcode, scanGoods,
    wedgeGapMs, press, pressAt, undoBurst, addLine, removeLine, setMode, clearSale, acceptScan, startScan, startQr, toTender, setTender, payCash,
    applyView, askCancel, cancelPayment, finish, resume,
  };
});
