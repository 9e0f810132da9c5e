// The Electron binary cannot run on this machine, so the shell's wiring is checked under Node with a
// stand-in for the `electron` module: the window options, the lock-down handlers, the sender check,
// and the built preload bundle (it must expose `pos` and nothing else).
import { describe, expect, it, vi, beforeAll } from 'vitest';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { pathToFileURL } from 'node:url';
import { REPO_ROOT } from '../../../electron/host/run.js';

const created: Array<{ options: Record<string, unknown>; url?: string }> = [];
const appHandlers: Record<string, (...a: unknown[]) => void> = {};
let permissionRequest: ((wc: unknown, perm: string, cb: (ok: boolean) => void) => void) | null = null;
let permissionCheck: (() => boolean) | null = null;

vi.mock('electron', () => {
  class BrowserWindow {
    constructor(readonly options: Record<string, unknown>) {
      created.push({ options });
    }
    once() {}
    loadURL(url: string) {
      created[created.length - 1]!.url = url;
      return Promise.resolve();
    }
  }
  return {
    BrowserWindow,
    app: { getAppPath: () => '/opt/pos/resources/app.asar', on: (ev: string, fn: (...a: unknown[]) => void) => (appHandlers[ev] = fn) },
    screen: { getPrimaryDisplay: () => ({ id: 1 }), getAllDisplays: () => [{ id: 1, bounds: { x: 0, y: 0 } }, { id: 2, bounds: { x: 1024, y: 0 } }] },
    session: {
      defaultSession: {
        setPermissionRequestHandler: (fn: typeof permissionRequest) => (permissionRequest = fn),
        setPermissionCheckHandler: (fn: typeof permissionCheck) => (permissionCheck = fn),
      },
    },
  };
});

const windows = await import('../../../electron/shell/windows.js');
const indexUrl = pathToFileURL('/opt/pos/resources/app.asar/dist/renderer/index.html').href;

describe('Electron shell', () => {
  it('opens windows isolated, sandboxed, without Node, on the app page; the customer display on the second monitor', () => {
    windows.openCashierWindow();
    windows.openCustomerWindow();
    expect(created).toHaveLength(2);
    for (const w of created) {
      expect(w.options.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, disableBlinkFeatures: 'Auxclick' });
      expect(String((w.options.webPreferences as { preload: string }).preload)).toMatch(/preload\.cjs$/);
    }
    expect(created[0]!.url).toBe(indexUrl);
    expect(created[1]!.url).toBe(`${indexUrl}#/customer`);
    expect(created[1]!.options).toMatchObject({ x: 1024, fullscreen: true });
  });

  it('denies permissions, navigation, webviews and new windows', () => {
    windows.lockDownSessions();
    let granted: boolean | null = null;
    permissionRequest!({}, 'media', (ok) => (granted = ok));
    expect(granted).toBe(false);
    expect(permissionCheck!()).toBe(false);
    const listeners: Record<string, (e: { preventDefault: () => void }) => void> = {};
    let openHandler: (() => { action: string }) | null = null;
    appHandlers['web-contents-created']!({}, { on: (ev: string, fn: (e: { preventDefault: () => void }) => void) => (listeners[ev] = fn), setWindowOpenHandler: (fn: () => { action: string }) => (openHandler = fn) });
    for (const ev of ['will-navigate', 'will-attach-webview']) {
      const e = { prevented: false, preventDefault() { this.prevented = true; } };
      listeners[ev]!(e);
      expect(e.prevented).toBe(true);
    }
    expect(openHandler!()).toEqual({ action: 'deny' });
  });

  it('accepts calls only from the app page in the top frame', () => {
    expect(windows.isTrustedFrame({ url: `${indexUrl}#/history`, parent: null } as never)).toBe(true);
    expect(windows.isTrustedFrame({ url: indexUrl, parent: {} } as never)).toBe(false);
    expect(windows.isTrustedFrame({ url: 'https://evil.example/index.html', parent: null } as never)).toBe(false);
    expect(windows.isTrustedFrame({ url: 'file:///tmp/dist/renderer/index.html', parent: null } as never)).toBe(false);
    expect(windows.isTrustedFrame(null)).toBe(false);
  });
});

describe('built preload', () => {
  beforeAll(() => {
    execFileSync('npx', ['vite', 'build', '--mode', 'electron', '--logLevel', 'error'], { cwd: REPO_ROOT, stdio: 'pipe' });
  });

  it('exposes only `pos`, which routes invoke and events through the two pos: channels', async () => {
    const exposed: Record<string, unknown> = {};
    const invoked: unknown[][] = [];
    const on: Record<string, (...a: unknown[]) => void> = {};
    const fakeElectron = {
      contextBridge: { exposeInMainWorld: (k: string, v: unknown) => (exposed[k] = v) },
      ipcRenderer: {
        invoke: (...a: unknown[]) => {
          invoked.push(a);
          return Promise.resolve({ ok: true, value: 1 });
        },
        on: (ch: string, fn: (...a: unknown[]) => void) => (on[ch] = fn),
        removeListener: (ch: string) => delete on[ch],
      },
    };
    const code = readFileSync(join(REPO_ROOT, 'dist-electron', 'preload.cjs'), 'utf8');
    runInNewContext(code, { require: (m: string) => (m === 'electron' ? fakeElectron : (() => { throw new Error(`preload required ${m}`); })()), module: {}, exports: {} });
    expect(Object.keys(exposed)).toEqual(['pos']);
    const pos = exposed.pos as { invoke: (c: string, p: unknown) => Promise<unknown>; on: (e: string, l: (p: unknown) => void) => () => void };
    await pos.invoke('app.info', {});
    expect(invoked).toEqual([['pos:invoke', 'app.info', {}]]);
    const got: unknown[] = [];
    const off = pos.on('scanner.read', (p) => got.push(p));
    on['pos:event']!({}, 'payment.progress', { a: 1 });
    on['pos:event']!({}, 'scanner.read', { code: 'x' });
    expect(got).toEqual([{ code: 'x' }]);
    off();
    expect(on['pos:event']).toBeUndefined();
  });
});
