// Handlers of the scanner.* channels, and the forwarding of scanner events to the renderer(s).
// The ScannerManager is built and configured (from settings.scanners) by the composition root.
import type { PartialHandlers } from '../types.js';
import type { EventBus } from '../../app/bus.js';
import type { ScannerManager } from '../../scanner/manager.js';
import type { ArmedScan } from '../../checkout/armed-scan.js';
import type { EventPayload } from '../../../shared/ipc/contract.js';

export function scannerHandlers(scanners: ScannerManager): PartialHandlers {
  return {
    'scanner.listPorts': () => scanners.listPorts(),
    'scanner.status': () => scanners.status(),
  };
}

/**
 * Every read and status change of a scanner goes out as the contract's event, except a payment
 * code that paid the sale the screen armed (armed-scan.ts: the screen hears of that payment
 * instead); returns the unsubscribe.
 */
export function forwardScannerEvents(scanners: ScannerManager, bus: EventBus, armed: Pick<ArmedScan, 'onRead'> | null = null): () => void {
  const onRead = (read: EventPayload<'scanner.read'>) => {
    if (armed?.onRead(read)) return;
    bus.emit('scanner.read', read);
  };
  const onStatus = (status: EventPayload<'scanner.status'>) => bus.emit('scanner.status', status);
  scanners.on('read', onRead);
  scanners.on('status', onStatus);
  return () => {
    scanners.off('read', onRead);
    scanners.off('status', onStatus);
  };
}
