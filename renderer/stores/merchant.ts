// The merchant's money at the gateway: balance (with UnionPay's), withdrawals and their queries.
// Everything here is behind the manager PIN; the PIN is held in memory only while the screen is
// unlocked and forgotten when it is locked again or left.
import { defineStore } from 'pinia';
import { ref } from 'vue';
import { invoke } from '../api';
import type { BalanceView, InvokePayload, WithdrawView } from '../../shared/ipc/contract';
import type { IpcError } from '../../shared/ipc/errors';

export type WithdrawForm = Omit<InvokePayload<'merchant.withdraw'>, 'managerPin'>;
export type WithdrawVia = WithdrawForm['via'];

/** Withdrawals of this session kept on screen (the gateway keeps the full list). */
export const MAX_RECENT_WITHDRAWALS = 20;

export const useMerchantStore = defineStore('merchant', () => {
  const pin = ref<string | null>(null);
  const balance = ref<BalanceView | null>(null);
  const loading = ref(false);
  const error = ref<IpcError | null>(null);
  const recent = ref<(WithdrawView & { via: WithdrawVia })[]>([]);

  /** Checks the PIN by reading the balance with it; a wrong PIN is answered pin_required. */
  async function unlock(managerPin: string): Promise<IpcError | null> {
    loading.value = true;
    const r = await invoke('merchant.balance', { managerPin });
    loading.value = false;
    if (!r.ok) return r.error;
    pin.value = managerPin;
    balance.value = r.value;
    error.value = null;
    return null;
  }

  function lock(): void {
    pin.value = null;
    balance.value = null;
    error.value = null;
  }

  async function refresh(): Promise<void> {
    if (!pin.value) return;
    loading.value = true;
    const r = await invoke('merchant.balance', { managerPin: pin.value });
    loading.value = false;
    if (r.ok) {
      balance.value = r.value;
      error.value = null;
    } else {
      error.value = r.error;
      if (r.error.code === 'pin_required') lock();
    }
  }

  function remember(v: WithdrawView, via: WithdrawVia): void {
    const i = recent.value.findIndex((w) => w.outTradeNo === v.outTradeNo);
    if (i >= 0) recent.value[i] = { ...v, via };
    else recent.value.unshift({ ...v, via });
    recent.value.splice(MAX_RECENT_WITHDRAWALS);
  }

  async function withdraw(form: WithdrawForm): Promise<{ ok: true; value: WithdrawView } | { ok: false; error: IpcError }> {
    if (!pin.value) return { ok: false, error: { code: 'pin_required', message: 'managerPin: the manager PIN is required' } };
    const r = await invoke('merchant.withdraw', { ...form, managerPin: pin.value });
    if (r.ok) {
      remember(r.value, form.via);
      void refresh();
    }
    return r;
  }

  async function query(via: WithdrawVia, outTradeNo: string): Promise<{ ok: true; value: WithdrawView } | { ok: false; error: IpcError }> {
    if (!pin.value) return { ok: false, error: { code: 'pin_required', message: 'managerPin: the manager PIN is required' } };
    const r = await invoke('merchant.withdrawQuery', { managerPin: pin.value, via, outTradeNo });
    if (r.ok) remember(r.value, via);
    return r;
  }

  return { pin, balance, loading, error, recent, unlock, lock, refresh, withdraw, query };
});
