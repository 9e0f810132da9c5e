// startApp(): the composition root of one till, shared by the Electron shell and the browser host.
// It opens the settings, the journal, the gateway (the embedded sandbox when none is configured),
// the payment engine, scanners, printer and shifts, and assembles the one handler table.
import { mkdirSync } from 'node:fs';
import { EventBus } from './bus.js';
import { ManagerPin } from './manager-pin.js';
import { SettingsStore, type SecretStore } from '../settings/store.js';
import type { Runtime } from './runtime.js';
import type { HandlerTable, PartialHandlers } from '../ipc/types.js';
import { INVOKE_CHANNELS, type AppInfo } from '../../shared/ipc/contract.js';
import { PosError } from '../../shared/ipc/errors.js';
import { appHandlers } from '../ipc/handlers/app.js';

export interface StartOptions {
  dataDir: string;
  shell: AppInfo['shell'];
  version: string;
  secrets: SecretStore;
  log?: (line: string) => void;
}

export interface RunningApp {
  runtime: Runtime;
  handlers: HandlerTable;
  close(): Promise<void>;
}

/** Joins the rooms' partial tables; two rooms answering one channel is a wiring bug. */
export function assembleHandlers(parts: PartialHandlers[]): HandlerTable {
  const table: PartialHandlers = {};
  for (const part of parts) {
    for (const [channel, handler] of Object.entries(part)) {
      if (Object.hasOwn(table, channel)) throw new Error(`two handlers for channel ${channel}`);
      (table as Record<string, unknown>)[channel] = handler;
    }
  }
  for (const channel of INVOKE_CHANNELS) {
    if (!Object.hasOwn(table, channel)) {
      (table as Record<string, unknown>)[channel] = () => {
        throw new PosError('unavailable', `${channel}: not available in this build`);
      };
    }
  }
  return table as HandlerTable;
}

export async function startApp(opts: StartOptions): Promise<RunningApp> {
  mkdirSync(opts.dataDir, { recursive: true });
  const log = opts.log ?? ((line: string) => console.log(line));
  const settings = new SettingsStore(opts.dataDir, opts.secrets);
  const pin = new ManagerPin(opts.dataDir);
  const bus = new EventBus();

  const runtime: Runtime = {
    settings,
    pin,
    bus,
    log,
    info: () => {
      const s = settings.get();
      return {
        name: 'Counter POS',
        version: opts.version,
        gatewayMode: s.gatewayUrl === '' ? 'sandbox' : 'production',
        gatewayUrl: s.gatewayUrl,
        merchantNo: s.merchantNo,
        terminalId: s.terminalId,
        language: s.language,
        shell: opts.shell,
        online: true,
      };
    },
  };

  const handlers = assembleHandlers([appHandlers(runtime)]);
  return {
    runtime,
    handlers,
    close: async () => {},
  };
}
