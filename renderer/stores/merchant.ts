// The merchant's money at the gateway: balance (with UnionPay's), withdrawals and their queries.
// Everything here is behind the manager PIN; the PIN is held in memory only while the screen is
// unlocked and forgotten when it is locked again or left.
import { defineStore } from 'pinia';
import { ref } from 'vue';
import { invoke } from '../api';
import type { BalanceView, InvokePayload, WithdrawView, WithdrawalRecord } from '../../shared/ipc/contract';
import type { IpcError } from '../../shared/ipc/errors';

export type WithdrawForm = Omit<InvokePayload<'merchant.withdraw'>, 'managerPin'>;
export type WithdrawVia = WithdrawForm['via'];


export const useMerchantStore = defineStore('merchant', () => {
  const pin = ref<string | null>(null);
  const balance = ref<BalanceView | null>(null);
  const loading = ref(false);
  const error = ref<IpcError | null>(null);
  /** The withdrawals this till asked for, as journaled by main (they survive a restart). */
  const recent = ref<WithdrawalRecord[]>([]);

  /** Checks the PIN by reading the balance with it; a wrong PIN is answered pin_required. */
  async function unlock(managerPin: string): Promise<IpcError | null> {
    loading.value = true;
    const r = await invoke('merchant.balance', { managerPin });
    loading.value = false;
    if (!r.ok) return r.error;
    pin.value = managerPin;
    balance.value = r.value;
    error.value = null;
    await loadWithdrawals();
    return null;
  }

  function lock(): void {
    pin.value = null;
    balance.value = null;
    error.value = null;
    recent.value = [];
  }

  async function loadWithdrawals(): Promise<void> {
    if (!pin.value) return;
    const r = await invoke('merchant.withdrawals', { managerPin: pin.value });
    if (r.ok) recent.value = r.value;
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

  async function withdraw(form: WithdrawForm): Promise<{ ok: true; value: WithdrawView } | { ok: false; error: IpcError }> {
    if (!pin.value) return { ok: false, error: { code: 'pin_required', message: 'managerPin: the manager PIN is required' } };
    const r = await invoke('merchant.withdraw', { ...form, managerPin: pin.value });
    // Refused or unanswered withdrawals are journaled too: the list always shows them.
    await loadWithdrawals();
    if (r.ok) void refresh();
    return r;
  }

  async function query(via: WithdrawVia, outTradeNo: string): Promise<{ ok: true; value: WithdrawView } | { ok: false; error: IpcError }> {
    if (!pin.value) return { ok: false, error: { code: 'pin_required', message: 'managerPin: the manager PIN is required' } };
    const r = await invoke('merchant.withdrawQuery', { managerPin: pin.value, via, outTradeNo });
    await loadWithdrawals();
    return r;
  }

  return { pin, balance, loading, error, recent, unlock, lock, refresh, withdraw, query };
});
