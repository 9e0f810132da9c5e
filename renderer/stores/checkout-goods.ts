// Goods scanned at the checkout (issue 11), for useCheckoutStore: a product barcode, scale label or
// shop code goes to the catalogue (goods.scan), and its answer becomes a cart line or a notice.
import { ref, type Ref } from 'vue';
import { invoke } from '../api';
import { t } from '../i18n';
import { maskCode } from '../../shared/paycode';
import type { Fen } from '../../shared/money';
import type { IpcError } from '../../shared/ipc/errors';
import type { useCartStore } from './cart';
import type { Notice, Phase } from './checkout-types';

export interface GoodsScanInputs {
  cart: ReturnType<typeof useCartStore>;
  phase: Readonly<Ref<Phase>>;
  notice: Ref<Notice | null>;
  /** The price typed on the keypad (a GS1 code the catalogue lacks becomes a line at that price). */
  entryFen: Readonly<Ref<Fen>>;
  /** The store's "+" (a typed amount becomes a line). */
  addLine: (name?: string, barcode?: string) => boolean;
  /** A refused call, as the notice the store shows for it. */
  errorNotice: (error: IpcError) => Notice;
  /** Lines on one sale (MAX_LINES). */
  maxLines: number;
}

export function useGoodsScan({ cart, phase, notice, entryFen, addLine, errorNotice, maxLines }: GoodsScanInputs): {
  unknownBarcode: Ref<string | null>;
  scanGoods(code: string, gs1: boolean): Promise<void>;
} {
  /** The barcode the catalogue did not know (F9 offers to add it). */
  const unknownBarcode = ref<string | null>(null);

  /** A product barcode, scale label or shop code: the catalogue says what it is. */
  async function scanGoods(code: string, gs1: boolean): Promise<void> {
    const r = await invoke('goods.scan', { code });
    if (phase.value !== 'entry') return;
    unknownBarcode.value = null;
    if (!r.ok) {
      notice.value = errorNotice(r.error);
      return;
    }
    const v = r.value;
    if (v.kind === 'product' || v.kind === 'weighed') {
      const line = cart.addScan(v);
      if (!line) notice.value = { tone: 'warn', text: t('checkout.tooManyLines', { n: maxLines }) };
      else notice.value = { tone: 'info', text: line.qty > 1 ? t('goods.qtyUp', { name: line.name, qty: line.qty }) : t('goods.added', { name: line.name }) };
      return;
    }
    if (v.kind === 'inactive') {
      notice.value = { tone: 'warn', text: t('goods.inactive', { name: v.product.name }) };
      return;
    }
    if (v.kind === 'bad_check') {
      notice.value = { tone: 'warn', text: t('goods.badCheck', { code: v.barcode }), next: t('goods.badCheckNext') };
      return;
    }
    // Not in the catalogue. With a price typed first, a GS1 code still becomes a typed line (shops
    // without a catalogue); otherwise the manager may add it.
    if (gs1 && entryFen.value > 0) {
      addLine(t('checkout.productName', { code: v.barcode }), v.barcode);
      notice.value = { tone: 'info', text: t('checkout.productAdded', { code: v.barcode }) };
      return;
    }
    if (v.addable) {
      unknownBarcode.value = v.barcode;
      notice.value = { tone: 'warn', text: t('goods.unknown', { code: v.barcode }), next: t('goods.unknownNext') };
      return;
    }
    // Never echo an unrecognised read in full: it might be a payment code of a scheme we do not know.
    notice.value = { tone: 'warn', text: t('checkout.unknownScan'), next: t('checkout.unknownScanNext'), detail: maskCode(code) };
  }

  return { unknownBarcode, scanGoods };
}
