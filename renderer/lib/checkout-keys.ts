// The checkout screen's keyboard (CheckoutView): digits type the amount, F1/F2/F3 pick
// 扫码/二维码/现金, Enter confirms, Esc cancels, "+" adds a line, ← → change the QR method; the goods
// keys go first. Listens on the window while the screen is mounted.
import { onBeforeUnmount, onMounted, type Ref } from 'vue';
import { keyboardToKeypad, type KeypadKey } from './keypad';
import type { PayMode, Phase } from '../stores/checkout-types';

export interface CheckoutKeyActions {
  phase: Readonly<Ref<Phase>>;
  mode: Readonly<Ref<PayMode>>;
  /** Goods keys on the entry screen; true when the key was taken. */
  goodsKey(e: KeyboardEvent): boolean;
  selectMode(m: PayMode): void;
  confirm(): void;
  escape(): void;
  addLine(): void;
  moveQr(step: number): void;
  /** A keypad key with the event's time (part of a possible wedge burst). */
  pressAt(key: KeypadKey, timeMs: number): void;
}

function isTextField(el: EventTarget | null): boolean {
  return el instanceof HTMLElement && (el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT' || el.isContentEditable);
}

export function useCheckoutKeys({ phase, mode, goodsKey, selectMode, confirm, escape, addLine, moveQr, pressAt }: CheckoutKeyActions): void {
  /** Whether the focus last moved by the Tab key (true) or by a pointer (false). */
  let focusByTab = false;
  function onPointerDown(): void {
    focusByTab = false;
  }

  function onKeydown(e: KeyboardEvent): void {
    if (e.key === 'Tab') focusByTab = true;
    if (e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey) return;
    if (!isTextField(e.target) && goodsKey(e)) {
      e.preventDefault();
      return;
    }
    const fn = { F1: 'scan', F2: 'qr', F3: 'cash' } as const;
    if (e.key in fn) {
      e.preventDefault();
      selectMode(fn[e.key as keyof typeof fn]);
      return;
    }
    if (isTextField(e.target)) {
      // The note field: Enter and Esc leave it, so the next Enter confirms the payment.
      if (e.key === 'Enter' || e.key === 'Escape') {
        e.preventDefault();
        (e.target as HTMLElement).blur();
      }
      return;
    }
    if (e.key === 'Enter') {
      // A button the cashier moved to with Tab answers Enter itself (a click). One that only kept
      // the focus from a mouse click or a tap (a nav tab) does not: Enter still confirms the payment.
      if (e.target instanceof HTMLButtonElement && !e.target.closest('.keypad') && focusByTab) return;
      e.preventDefault();
      confirm();
      return;
    }
    if (e.key === 'Escape') {
      e.preventDefault();
      escape();
      return;
    }
    if (e.key === '+' || e.key === 'Add') {
      e.preventDefault();
      addLine();
      return;
    }
    if (phase.value === 'entry' && mode.value === 'qr' && (e.key === 'ArrowRight' || e.key === 'ArrowLeft')) {
      e.preventDefault();
      moveQr(e.key === 'ArrowRight' ? 1 : -1);
      return;
    }
    const key = keyboardToKeypad(e.key);
    if (key && (phase.value === 'entry' || phase.value === 'tender')) {
      e.preventDefault();
      pressAt(key, e.timeStamp);
    }
  }

  onMounted(() => {
    window.addEventListener('keydown', onKeydown);
    window.addEventListener('pointerdown', onPointerDown, { capture: true });
  });
  onBeforeUnmount(() => {
    window.removeEventListener('keydown', onKeydown);
    window.removeEventListener('pointerdown', onPointerDown, { capture: true });
  });
}
