// electron-updater's instance for the packaged app (NSIS on Windows, AppImage / deb on Linux).
// Everything else about updates (when to check, the rollout, when to install) is in
// electron/update/service.ts, which receives this as its UpdaterPort.
import electronUpdater from 'electron-updater';
import { app } from 'electron';
import type { UpdaterPort } from '../update/service.js';

export function createUpdater(): UpdaterPort | null {
  // An unpacked development run has no app-update.yml and nothing to update.
  if (!app.isPackaged) return null;
  const updater = electronUpdater.autoUpdater;
  updater.logger = null;
  return updater as unknown as UpdaterPort;
}
