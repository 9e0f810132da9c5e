// The till with a damaged journal. The file is not opened for writing and not replaced: the till
// starts with the settings, the manager PIN and the upkeep handlers only. system.status tells the
// cashier screen what happened (it shows it plainly, with "restore from the latest backup");
// every payment channel is refused with the reason, so no mobile payment is taken with nowhere
// to record it; backup.restore stages the latest backup for the next start.
import { INVOKE_CHANNELS, type AppInfo } from '../../shared/ipc/contract.js';
import { PosError } from '../../shared/ipc/errors.js';
import type { HandlerTable, PartialHandlers } from '../ipc/types.js';
import type { Runtime } from '../app/runtime.js';
import type { EventBus } from '../app/bus.js';
import type { ManagerPin } from '../app/manager-pin.js';
import type { SettingsStore } from '../settings/store.js';
import { settingsView } from '../ipc/handlers/app.js';
import type { Upkeep } from '../app/upkeep.js';
import type { JournalHealth } from './health.js';

/** What every refused channel says: the cashier and the log both read it. */
export function damagedMessage(h: Extract<JournalHealth, { state: 'damaged' }>): string {
  return `the journal is damaged (${h.kind}: ${h.detail}); mobile payments and sales are refused until it is restored from a backup (Settings → backups, manager PIN). The damaged file is kept at ${h.path}`;
}

export interface DamagedTill {
  runtime: Runtime;
  handlers: HandlerTable;
  close(): Promise<void>;
}

export function startDamagedTill(o: {
  health: Extract<JournalHealth, { state: 'damaged' }>;
  settings: SettingsStore;
  pin: ManagerPin;
  bus: EventBus;
  log: (line: string) => void;
  version: string;
  shell: AppInfo['shell'];
  upkeep: Upkeep;
}): DamagedTill {
  const message = damagedMessage(o.health);
  const refuse = (): never => {
    throw new PosError('unavailable', message);
  };
  const info = (): AppInfo => {
    const s = o.settings.get();
    return { name: 'Counter POS', version: o.version, gatewayMode: s.gatewayUrl === '' ? 'sandbox' : 'production', gatewayUrl: s.gatewayUrl, merchantNo: s.merchantNo, terminalId: s.terminalId, language: s.language, shell: o.shell, online: false, recovery: { running: false, owed: 0 } };
  };
  const own: PartialHandlers = {
    ...o.upkeep.handlers,
    'app.info': () => info(),
    'settings.get': () => settingsView(o),
    'shift.current': () => null,
    'shift.session': () => null,
    'checkout.current': () => null,
  };
  const table: Record<string, unknown> = {};
  for (const channel of INVOKE_CHANNELS) table[channel] = Object.hasOwn(own, channel) ? own[channel] : refuse;
  const runtime: Runtime = {
    settings: o.settings,
    pin: o.pin,
    bus: o.bus,
    log: o.log,
    info,
    get journal(): never {
      return refuse();
    },
    get scanners(): never {
      return refuse();
    },
    engine: refuse,
    gateway: refuse,
  };
  return { runtime, handlers: table as HandlerTable, close: () => o.upkeep.close() };
}
