// The Electron main process: lifecycle, windows and IPC wiring only. Everything else lives in
// plain Node modules (electron/app/start.ts and the rooms) that are tested without Electron.
import { app, BrowserWindow, ipcMain, dialog } from 'electron';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { startApp, type RunningApp } from './app/start.js';
import { dispatch } from './ipc/dispatch.js';
import { SQLITE_BINDING_ENV } from './app/native.js';
import { createSecretStore } from './shell/secrets.js';
import { electronPdfRenderer } from './shell/pdf.js';
import { isTrustedFrame, lockDownSessions, openCashierWindow, openCustomerWindow } from './shell/windows.js';
import { createUpdater } from './shell/updater.js';

export const INVOKE_CHANNEL = 'pos:invoke';
export const EVENT_CHANNEL = 'pos:event';

app.enableSandbox();
if (!app.requestSingleInstanceLock()) app.quit();

/** better-sqlite3 built for Electron's ABI: unpacked resources when packaged, native/ in development. */
function electronSqliteBinding(): string | undefined {
  const candidates = [join(process.resourcesPath, 'native', 'better_sqlite3.node'), join(app.getAppPath(), 'native', 'electron', 'better_sqlite3.node')];
  return candidates.find((p) => existsSync(p));
}

let till: RunningApp | null = null;

async function boot(): Promise<void> {
  const binding = electronSqliteBinding();
  if (binding) process.env[SQLITE_BINDING_ENV] = binding;
  lockDownSessions();
  const dataDir = app.getPath('userData');
  till = await startApp({
    dataDir,
    shell: 'electron',
    version: app.getVersion(),
    secrets: createSecretStore(dataDir),
    headOfficeSecrets: createSecretStore(dataDir, 'headoffice-credential'),
    exportDir: join(app.getPath('documents'), 'Counter POS'),
    renderPdf: electronPdfRenderer,
    // electron-updater (generic provider at the head office's URL, set in Settings); packaged builds only.
    updater: createUpdater(),
    // A staged restore is applied at the next start: close cleanly, then start again.
    restart: () => {
      app.relaunch();
      app.quit();
    },
  });
  const running = till;

  ipcMain.handle(INVOKE_CHANNEL, (event, channel: unknown, payload: unknown) => {
    if (!isTrustedFrame(event.senderFrame)) {
      return { ok: false, error: { code: 'forbidden_sender', message: 'calls are accepted from the app page only' } };
    }
    return dispatch(running.handlers, channel, payload, { shell: 'electron', caller: `window#${event.sender.id}` }, running.runtime.log);
  });
  running.runtime.bus.subscribe((event, payload) => {
    for (const win of BrowserWindow.getAllWindows()) {
      if (!win.isDestroyed()) win.webContents.send(EVENT_CHANNEL, event, payload);
    }
  });

  openCashierWindow();
  openCustomerWindow();
}

app.whenReady().then(boot).catch((err: unknown) => {
  dialog.showErrorBox('Counter POS could not start', (err as Error).message);
  app.exit(1);
});

app.on('second-instance', () => {
  const win = BrowserWindow.getAllWindows()[0];
  if (win) {
    if (win.isMinimized()) win.restore();
    win.focus();
  }
});

let closing = false;
app.on('before-quit', (event) => {
  if (closing || !till) return;
  // Let the services close cleanly (journal checkpoint, scanners, owed work persisted).
  event.preventDefault();
  closing = true;
  void till.close().finally(() => app.quit());
});
app.on('window-all-closed', () => app.quit());
