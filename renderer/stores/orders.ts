// History: search the journal's orders, open one with its timeline, refunds and goods lines, and act
// on it (query now, refund full or partial, refund chosen lines, reverse a pending one — the refunds
// and the reverse behind the manager PIN; reprint its receipt or a refund's slip).
import { defineStore } from 'pinia';
import { ref } from 'vue';
import { invoke } from '../api';
import type { InvokePayload, OrderDetail, OrderRow } from '../../shared/ipc/contract';
import type { SaleLinesView } from '../../shared/ipc/goods';
import type { IpcError } from '../../shared/ipc/errors';
import type { Fen } from '../../shared/money';
import type { PayChannel } from '../../shared/payment';
import { todayIso } from '../lib/labels';

export type OrderStateFilter = NonNullable<InvokePayload<'orders.search'>['state']>;

export interface OrderFilters {
  from: string;
  to: string;
  state: OrderStateFilter | '';
  channel: PayChannel | '';
  outTradeNo: string;
}

/** Rows per page of the history table (fits the till screen without scrolling much). */
export const PAGE_SIZE = 20;

export const useOrdersStore = defineStore('orders', () => {
  const filters = ref<OrderFilters>({ from: todayIso(), to: todayIso(), state: '', channel: '', outTradeNo: '' });
  const rows = ref<OrderRow[]>([]);
  const total = ref(0);
  const offset = ref(0);
  const loading = ref(false);
  const error = ref<IpcError | null>(null);
  const detail = ref<OrderDetail | null>(null);
  const detailError = ref<IpcError | null>(null);
  /** The open order's sale lines (null: a sale without lines, or they could not be read). */
  const lines = ref<SaleLinesView | null>(null);
  const acting = ref<'query' | 'refund' | 'reverse' | 'reprint' | null>(null);
  /** The last action's result, for a short confirmation line. */
  const actionDone = ref<'query' | 'refund' | 'reverse' | 'reprint' | null>(null);

  function searchPayload(): InvokePayload<'orders.search'> {
    const f = filters.value;
    const p: InvokePayload<'orders.search'> = { limit: PAGE_SIZE, offset: offset.value };
    if (f.from) p.from = f.from;
    if (f.to) p.to = f.to;
    if (f.state) p.state = f.state;
    if (f.channel) p.channel = f.channel;
    if (f.outTradeNo.trim()) p.outTradeNo = f.outTradeNo.trim();
    return p;
  }

  async function search(page: 'first' | 'next' | 'prev' | 'same' = 'first'): Promise<void> {
    if (page === 'first') offset.value = 0;
    if (page === 'next' && offset.value + PAGE_SIZE < total.value) offset.value += PAGE_SIZE;
    if (page === 'prev') offset.value = Math.max(0, offset.value - PAGE_SIZE);
    loading.value = true;
    const r = await invoke('orders.search', searchPayload());
    loading.value = false;
    if (r.ok) {
      rows.value = r.value.rows;
      total.value = r.value.total;
      error.value = null;
    } else {
      error.value = r.error;
    }
  }

  async function open(outTradeNo: string): Promise<void> {
    actionDone.value = null;
    detailError.value = null;
    const [r, l] = await Promise.all([invoke('orders.get', { outTradeNo }), invoke('goods.saleLines', { outTradeNo })]);
    lines.value = l.ok && l.value.lines.length > 0 ? l.value : null;
    if (r.ok) detail.value = r.value;
    else {
      detail.value = null;
      detailError.value = r.error;
    }
  }

  async function reloadLines(): Promise<void> {
    const no = detail.value?.outTradeNo;
    if (!no) return;
    const l = await invoke('goods.saleLines', { outTradeNo: no });
    if (l.ok && detail.value?.outTradeNo === no) lines.value = l.value.lines.length > 0 ? l.value : null;
  }

  function close(): void {
    lines.value = null;
    detail.value = null;
    detailError.value = null;
    actionDone.value = null;
  }

  /** Runs one action on the open order; the answer replaces the detail and refreshes its row. */
  async function act(kind: 'query' | 'refund' | 'reverse', run: () => Promise<{ ok: true; value: OrderDetail } | { ok: false; error: IpcError }>): Promise<IpcError | null> {
    acting.value = kind;
    actionDone.value = null;
    try {
      const r = await run();
      if (!r.ok) return r.error;
      detail.value = r.value;
      const i = rows.value.findIndex((row) => row.outTradeNo === r.value.outTradeNo);
      if (i >= 0) rows.value[i] = { ...rows.value[i]!, state: r.value.state, refundedFen: r.value.refundedFen, tradeNo: r.value.tradeNo };
      actionDone.value = kind;
      // A refund may have given lines back (by line, or a goods sale refunded in full).
      if (kind === 'refund') await reloadLines();
      return null;
    } finally {
      acting.value = null;
    }
  }

  function queryNow(): Promise<IpcError | null> {
    const no = detail.value?.outTradeNo;
    if (!no) return Promise.resolve(null);
    return act('query', () => invoke('orders.queryNow', { outTradeNo: no }));
  }

  /** amountFen undefined: everything still refundable. */
  function refund(amountFen: Fen | undefined, reason: string, managerPin: string): Promise<IpcError | null> {
    const no = detail.value?.outTradeNo;
    if (!no) return Promise.resolve(null);
    const payload: InvokePayload<'orders.refund'> = { outTradeNo: no, managerPin };
    if (amountFen !== undefined) payload.amountFen = amountFen;
    if (reason.trim()) payload.reason = reason.trim();
    return act('refund', () => invoke('orders.refund', payload));
  }

  /** Refund by line: the chosen pieces of the open order's lines. */
  function refundLines(chosen: { lineNo: number; qty: number }[], reason: string, managerPin: string): Promise<IpcError | null> {
    const no = detail.value?.outTradeNo;
    if (!no) return Promise.resolve(null);
    const payload: InvokePayload<'orders.refundLines'> = { outTradeNo: no, lines: chosen, managerPin };
    if (reason.trim()) payload.reason = reason.trim();
    return act('refund', () => invoke('orders.refundLines', payload));
  }

  function reverse(managerPin: string): Promise<IpcError | null> {
    const no = detail.value?.outTradeNo;
    if (!no) return Promise.resolve(null);
    return act('reverse', () => invoke('orders.reverse', { outTradeNo: no, managerPin }));
  }

  async function printCopy(run: () => Promise<{ ok: true } | { ok: false; error: IpcError }>): Promise<IpcError | null> {
    acting.value = 'reprint';
    actionDone.value = null;
    const r = await run();
    acting.value = null;
    if (!r.ok) return r.error;
    actionDone.value = 'reprint';
    return null;
  }

  /** 补打小票: the open order's receipt again. */
  function reprint(): Promise<IpcError | null> {
    const no = detail.value?.outTradeNo;
    if (!no) return Promise.resolve(null);
    return printCopy(() => invoke('printer.reprint', { outTradeNo: no }));
  }

  /** 补打退款单: the slip of one of the open order's refunds again. */
  function reprintRefund(outRefundNo: string): Promise<IpcError | null> {
    return printCopy(() => invoke('printer.reprintRefund', { outRefundNo }));
  }

  return { filters, rows, total, offset, loading, error, detail, detailError, lines, acting, actionDone, search, open, close, queryNow, refund, refundLines, reverse, reprint, reprintRefund };
});
