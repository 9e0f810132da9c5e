// The scanner room's part of the IPC table, and its events checked against the contract's schemas.
import { afterEach, describe, expect, it } from 'vitest';
import { ScannerManager } from '../../../electron/scanner/manager.js';
import { scannerHandlers, forwardScannerEvents } from '../../../electron/ipc/handlers/scanner.js';
import { EventBus } from '../../../electron/app/bus.js';
import { eventSchemas, type EventChannel } from '../../../shared/ipc/contract.js';
import { MockPorts, waitFor } from './mock-ports.js';

let manager: ScannerManager | null = null;
afterEach(async () => {
  await manager?.close();
  manager = null;
});

describe('scanner IPC', () => {
  it('answers scanner.listPorts / scanner.status and forwards reads and status as valid contract events', async () => {
    const ports = new MockPorts();
    ports.create('/dev/ttyACM0', { vendorId: '05e0', productId: '1701', manufacturer: 'Zebra' });
    manager = new ScannerManager({ binding: ports.binding, log: () => undefined });
    const bus = new EventBus();
    const events: [EventChannel, unknown][] = [];
    bus.subscribe((event, payload) => events.push([event, payload]));
    const unsubscribe = forwardScannerEvents(manager, bus);
    const handlers = scannerHandlers(manager);
    const ctx = { shell: 'browser-host' as const, caller: 'test' };

    expect(await handlers['scanner.listPorts']!({}, ctx)).toEqual([
      { path: '/dev/ttyACM0', manufacturer: 'Zebra', vendorId: '05e0', productId: '1701', knownScanner: 'Zebra/Symbol scanner (USB CDC)' },
    ]);
    await manager.configure([{ id: 'gun', auto: true }]);
    ports.send('/dev/ttyACM0', '134567890123456789\r');
    await waitFor(() => events.some(([e]) => e === 'scanner.read'), 'the read event');
    expect(await handlers['scanner.status']!({}, ctx)).toEqual([expect.objectContaining({ id: 'gun', state: 'open', lastReadMasked: '1345**********6789' })]);

    for (const [event, payload] of events) {
      const parsed = eventSchemas[event].safeParse(payload);
      expect(parsed.success, `${event}: ${JSON.stringify(payload)}`).toBe(true);
    }
    expect(events.map(([e]) => e)).toEqual(['scanner.status', 'scanner.read', 'scanner.status']);
    unsubscribe();
    ports.send('/dev/ttyACM0', '4006381333931\r');
    await new Promise((r) => setTimeout(r, 30));
    expect(events).toHaveLength(3);
  });
});
