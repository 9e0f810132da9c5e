// The hardening checklist, each item with a test. Window options (contextIsolation, sandbox, no
// Node), the permission handler and the navigation lock are checked in electron-shell.test.ts;
// here: the page's CSP (source and built), the IPC sender check as main.ts wires it (main.ts
// run under Node with a stand-in `electron` module and a real till in a temp dir), and the
// Electronegativity gate of `npm test`, which must fail on a badly configured window.
import { afterAll, describe, expect, it, vi } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO_ROOT } from '../../../electron/host/run.js';
import { blocking, runElectronegativity, type Reviewed } from '../../../build/electronegativity.js';

const userData = mkdtempSync(join(tmpdir(), 'pos-main-'));
const handlers: Record<string, (...a: unknown[]) => unknown> = {};
const appEvents: Record<string, ((...a: unknown[]) => void)[]> = {};
let ready: () => void = () => undefined;
const readyPromise = new Promise<void>((r) => (ready = r));
const appPath = join(userData, 'app');
const bootErrors: string[] = [];
// Electron sets this; main.ts looks for the packaged native module under it.
(process as unknown as { resourcesPath: string }).resourcesPath = join(userData, 'resources');

vi.mock('electron', () => {
  class BrowserWindow {
    static getAllWindows() {
      return [];
    }
    webContents = { send() {} };
    once() {}
    loadURL() {
      return Promise.resolve();
    }
  }
  const app = {
    enableSandbox: () => undefined,
    requestSingleInstanceLock: () => true,
    quit: () => undefined,
    exit: () => undefined,
    relaunch: () => undefined,
    whenReady: () => readyPromise,
    getPath: (name: string) => join(userData, name),
    getAppPath: () => appPath,
    getVersion: () => '0.1.0',
    isPackaged: false,
    on: (ev: string, fn: (...a: unknown[]) => void) => (appEvents[ev] ??= []).push(fn),
  };
  return {
    app,
    BrowserWindow,
    dialog: { showErrorBox: (title: string, text: string) => bootErrors.push(`${title}: ${text}`) },
    ipcMain: { handle: (ch: string, fn: (...a: unknown[]) => unknown) => (handlers[ch] = fn) },
    safeStorage: { isEncryptionAvailable: () => false, getSelectedStorageBackend: () => 'basic_text' },
    screen: { getPrimaryDisplay: () => ({ id: 1 }), getAllDisplays: () => [{ id: 1, bounds: { x: 0, y: 0 } }] },
    session: { defaultSession: { setPermissionRequestHandler: () => undefined, setPermissionCheckHandler: () => undefined } },
  };
});

afterAll(async () => {
  for (const fn of appEvents['before-quit'] ?? []) fn({ preventDefault: () => undefined });
  await new Promise((r) => setTimeout(r, 200));
  rmSync(userData, { recursive: true, force: true });
});

describe('hardening checklist', () => {
  it('CSP: the page allows only its own scripts, no eval, no objects, no base or form targets; the build keeps it', () => {
    execFileSync('npx', ['vite', 'build', '--logLevel', 'error'], { cwd: REPO_ROOT, stdio: 'pipe' });
    for (const file of ['renderer/index.html', 'dist/renderer/index.html']) {
      const html = readFileSync(join(REPO_ROOT, file), 'utf8');
      const csp = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1];
      expect(csp, file).toBeDefined();
      const dirs = Object.fromEntries(csp!.split(';').map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k, v]));
      expect(dirs['default-src']).toEqual(["'self'"]);
      expect(dirs['script-src']).toEqual(["'self'"]);
      expect(dirs['object-src']).toEqual(["'none'"]);
      expect(dirs['base-uri']).toEqual(["'none'"]);
      expect(dirs['form-action']).toEqual(["'none'"]);
      expect(csp).not.toContain('unsafe-eval');
      expect(dirs['connect-src']!.every((s: string) => s === "'self'" || s.startsWith('ws://127.0.0.1'))).toBe(true);
    }
  });

  it('IPC sender check: main.ts answers only the app page in the top frame', async () => {
    await import('../../../electron/main.js');
    ready();
    for (let i = 0; i < 400 && !handlers['pos:invoke']; i++) await new Promise((r) => setTimeout(r, 25));
    const invoke = handlers['pos:invoke']!;
    expect(bootErrors).toEqual([]);
    expect(invoke).toBeDefined();
    const page = pathToFileURL(join(appPath, 'dist', 'renderer', 'index.html')).href;
    const ev = (url: string, parent: unknown = null) => ({ senderFrame: { url, parent }, sender: { id: 1 } });
    expect(await invoke(ev(`${page}#/settings`), 'app.info', {})).toMatchObject({ ok: true, value: { version: '0.1.0', shell: 'electron' } });
    for (const bad of [ev('https://evil.example/index.html'), ev(page, {}), ev('file:///tmp/other/dist/renderer/index.html'), { senderFrame: null, sender: { id: 2 } }]) {
      expect(await invoke(bad, 'app.info', {})).toEqual({ ok: false, error: { code: 'forbidden_sender', message: 'calls are accepted from the app page only' } });
    }
  });

  it('the Electronegativity gate fails on a window with Node integration and no isolation', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pos-eneg-bad-'));
    mkdirSync(join(dir, 'electron'));
    writeFileSync(join(dir, 'electron', 'main.ts'), `import { BrowserWindow } from 'electron';\nexport const w = new BrowserWindow({ webPreferences: { nodeIntegration: true, contextIsolation: false, sandbox: false } });\nw.loadURL('http://example.com');\n`);
    try {
      const reviewed = JSON.parse(readFileSync(join(REPO_ROOT, 'build', 'electronegativity-reviewed.json'), 'utf8')) as Reviewed[];
      const bad = blocking(runElectronegativity(dir), reviewed);
      const checks = bad.map((f) => f.check);
      // The gate's own app passes these (test above / npm run security); the bad one fails each.
      for (const c of ['CONTEXT_ISOLATION_JS_CHECK', 'SANDBOX_JS_CHECK', 'CSP_GLOBAL_CHECK', 'LIMIT_NAVIGATION_GLOBAL_CHECK', 'PERMISSION_REQUEST_HANDLER_GLOBAL_CHECK', 'HTTP_RESOURCES_JS_CHECK']) expect(checks).toContain(c);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
