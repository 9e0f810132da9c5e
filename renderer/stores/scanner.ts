// Scan guns as the main side reports them: status of each configured scanner, the serial ports on
// this PC, and the last read (masked). Reads themselves are routed by the checkout.
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { invoke, onEvent } from '../api';
import type { ScannerStatus, SerialPortView } from '../../shared/ipc/contract';
import type { IpcError } from '../../shared/ipc/errors';

export const useScannerStore = defineStore('scanner', () => {
  const statuses = ref<ScannerStatus[]>([]);
  const ports = ref<SerialPortView[]>([]);
  const portsError = ref<IpcError | null>(null);
  const statusError = ref<IpcError | null>(null);
  const lastRead = ref<{ scannerId: string; masked: string; kind: string; at: string } | null>(null);

  async function loadStatus(): Promise<void> {
    const r = await invoke('scanner.status', {});
    if (r.ok) {
      statuses.value = r.value;
      statusError.value = null;
    } else statusError.value = r.error;
  }

  async function listPorts(): Promise<void> {
    const r = await invoke('scanner.listPorts', {});
    if (r.ok) {
      ports.value = r.value;
      portsError.value = null;
    } else portsError.value = r.error;
  }

  /** The summary for the top bar: any scanner open, searching, or none configured. */
  const summary = computed<'open' | 'searching' | 'error' | 'none'>(() => {
    if (statuses.value.length === 0) return 'none';
    if (statuses.value.some((s) => s.state === 'open')) return 'open';
    if (statuses.value.some((s) => s.state === 'searching')) return 'searching';
    return 'error';
  });

  onEvent('scanner.status', (s) => {
    const i = statuses.value.findIndex((x) => x.id === s.id);
    if (i >= 0) statuses.value[i] = s;
    else statuses.value.push(s);
  });
  /** A read from a serial gun (event) or a keyboard-wedge gun (renderer): only its masked form is kept. */
  function noteRead(r: { scannerId: string; masked: string; kind: string }): void {
    lastRead.value = { scannerId: r.scannerId, masked: r.masked, kind: r.kind, at: new Date().toISOString() };
  }
  onEvent('scanner.read', noteRead);
  // A payment code main paid at once for the sale the checkout armed (no scanner.read then).
  onEvent('checkout.armedScan', (e) => {
    if (e.phase === 'started') noteRead({ scannerId: e.scannerId, masked: e.masked, kind: 'payment' });
  });

  return { statuses, ports, portsError, statusError, lastRead, summary, loadStatus, listPorts, noteRead };
});
