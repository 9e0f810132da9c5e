// Windows of the till: the cashier window and the customer display. Locked down: context
// isolation, sandbox, no Node in the page, no navigation, no new windows, no permissions.
import { BrowserWindow, screen, session, app, type WebFrameMain } from 'electron';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export function rendererIndexUrl(): string {
  return pathToFileURL(join(app.getAppPath(), 'dist', 'renderer', 'index.html')).href;
}

/** Only the app's own top-level page may call the pos API. */
export function isTrustedFrame(frame: WebFrameMain | null): boolean {
  if (!frame || frame.parent !== null) return false;
  const url = frame.url.split('#')[0]!.split('?')[0]!;
  return url === rendererIndexUrl();
}

export function lockDownSessions(): void {
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);
  app.on('web-contents-created', (_e, contents) => {
    contents.on('will-navigate', (event) => event.preventDefault());
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  });
}

function create(opts: { hash: string; x?: number; y?: number; fullscreen?: boolean; title: string }): BrowserWindow {
  const win = new BrowserWindow({
    width: 1024,
    height: 768,
    minWidth: 1024,
    minHeight: 700,
    x: opts.x,
    y: opts.y,
    fullscreen: opts.fullscreen ?? false,
    title: opts.title,
    backgroundColor: '#f4f5f7',
    show: false,
    webPreferences: {
      preload: join(import.meta.dirname, 'preload.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false,
      // A middle click would open a link in a new window: the till has no links to follow.
      disableBlinkFeatures: 'Auxclick',
    },
  });
  win.once('ready-to-show', () => win.show());
  void win.loadURL(`${rendererIndexUrl()}${opts.hash}`);
  return win;
}

export function openCashierWindow(): BrowserWindow {
  return create({ hash: '', title: 'Counter POS' });
}

/** The customer display: full screen on a second monitor when the till has one. */
export function openCustomerWindow(): BrowserWindow | null {
  const primary = screen.getPrimaryDisplay();
  const other = screen.getAllDisplays().find((d) => d.id !== primary.id);
  if (!other) return null;
  return create({ hash: '#/customer', x: other.bounds.x, y: other.bounds.y, fullscreen: true, title: 'Customer display' });
}
