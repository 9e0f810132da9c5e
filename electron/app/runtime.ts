// What the handlers of every room can reach: the live services of one running till.
// Built by startApp() (electron/app/start.ts); plain Node, no electron import.
import type { EventBus } from './bus.js';
import type { ManagerPin } from './manager-pin.js';
import type { SettingsStore } from '../settings/store.js';
import type { AppInfo } from '../../shared/ipc/contract.js';
import type { PaymentEngine } from '../checkout/engine.js';
import type { Journal } from '../journal/journal.js';
import type { GatewayLink } from './gateway-link.js';
import type { ScannerManager } from '../scanner/manager.js';

export interface Runtime {
  settings: SettingsStore;
  pin: ManagerPin;
  bus: EventBus;
  journal: Journal;
  scanners: ScannerManager;
  /** The engine and the gateway link of the moment: both are rebuilt when the gateway settings change. */
  engine(): PaymentEngine;
  gateway(): GatewayLink;
  info(): AppInfo;
  log(line: string): void;
  /** Told after every refund a handler made (the refund slips print: electron/printer/refund-slips.ts). */
  refunded?(outTradeNo: string): void;
}
