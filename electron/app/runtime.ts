// What the handlers of every room can reach: the live services of one running till.
// Built by startApp() (electron/app/start.ts); plain Node, no electron import.
import type { EventBus } from './bus.js';
import type { ManagerPin } from './manager-pin.js';
import type { SettingsStore } from '../settings/store.js';
import type { AppInfo } from '../../shared/ipc/contract.js';

export interface Runtime {
  settings: SettingsStore;
  pin: ManagerPin;
  bus: EventBus;
  info(): AppInfo;
  log(line: string): void;
}
