// The catalogue screen (manager): search, add / edit / deactivate, import with preview, export,
// the till's goods rules. The manager PIN is asked once when the screen opens and kept in memory
// only while it is open (every call is checked again by main).
import { defineStore } from 'pinia';
import { ref } from 'vue';
import { invoke } from '../api';
import type { GoodsConfigView, ImportPreview, ProductView } from '../../shared/ipc/goods';

export const useGoodsStore = defineStore('goods', () => {
  const pin = ref<string | null>(null);
  const query = ref('');
  const products = ref<ProductView[]>([]);
  const preview = ref<ImportPreview | null>(null);
  const message = ref<{ tone: 'info' | 'error'; text: string } | null>(null);
  const config = ref<GoodsConfigView | null>(null);
  /** An unknown barcode scanned at the checkout (F9): the new product's form starts with it. */
  const prefillBarcode = ref<string | null>(null);

  async function unlock(p: string): Promise<string | null> {
    // Any PIN-guarded call that changes nothing checks it: approving no discount.
    const r = await invoke('goods.approveDiscount', { managerPin: p });
    if (!r.ok) return r.error.message;
    pin.value = p;
    await Promise.all([search(), loadConfig()]);
    return null;
  }

  function lock(): void {
    pin.value = null;
    preview.value = null;
  }

  async function search(): Promise<void> {
    const r = await invoke('goods.search', { text: query.value, includeInactive: true, limit: 100 });
    if (r.ok) products.value = r.value;
  }

  async function loadConfig(): Promise<void> {
    const r = await invoke('goods.config', {});
    if (r.ok) config.value = r.value;
  }

  return { pin, query, products, preview, message, config, prefillBarcode, unlock, lock, search, loadConfig };
});
