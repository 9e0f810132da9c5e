import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dispatch } from '../../../electron/ipc/dispatch.js';
import { startApp, assembleHandlers, type RunningApp } from '../../../electron/app/start.js';
import { FileSecretStore } from '../../../electron/settings/store.js';
import { INVOKE_CHANNELS } from '../../../shared/ipc/contract.js';
import { PosError } from '../../../shared/ipc/errors.js';

const ctx = { shell: 'browser-host' as const, caller: 'test' };
let dir: string;
let till: RunningApp;

async function start(): Promise<RunningApp> {
  dir = mkdtempSync(join(tmpdir(), 'pos-dispatch-'));
  till = await startApp({ dataDir: dir, shell: 'browser-host', version: '9.9.9', secrets: new FileSecretStore(join(dir, 'secret.txt')), log: () => {} });
  return till;
}
afterEach(async () => {
  await till?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('dispatch', () => {
  it('answers app.info through the table', async () => {
    const app = await start();
    const res = await dispatch(app.handlers, 'app.info', {}, ctx);
    expect(res).toMatchObject({ ok: true, value: { version: '9.9.9', gatewayMode: 'sandbox', shell: 'browser-host' } });
  });

  it('refuses an unknown channel by name', async () => {
    const app = await start();
    const res = await dispatch(app.handlers, 'orders.dropTable', {}, ctx);
    expect(res).toEqual({ ok: false, error: { code: 'unknown_channel', message: 'unknown channel: orders.dropTable' } });
  });

  it('gives a malformed payload a typed error naming each field, and changes nothing', async () => {
    const app = await start();
    const before = await dispatch(app.handlers, 'settings.get', {}, ctx);
    // Not even the PIN check runs: validation comes first.
    const res = await dispatch(app.handlers, 'settings.save', { values: 'terminalId=X', managerPin: '12', extra: true }, ctx);
    expect(res.ok).toBe(false);
    if (res.ok) return;
    expect(res.error.code).toBe('invalid_payload');
    expect(res.error.issues?.map((i) => i.path).sort()).toEqual(['', 'managerPin', 'values']);
    expect(res.error.issues?.find((i) => i.path === 'managerPin')?.message).toBe('managerPin: must be 4–8 digits');
    expect(await dispatch(app.handlers, 'settings.get', {}, ctx)).toEqual(before);
  });

  it('refuses bad settings with one issue per field and leaves the file as it was', async () => {
    const app = await start();
    const ok = await dispatch(app.handlers, 'settings.save', { values: { terminalId: 'T07' }, managerPin: '0000' }, ctx);
    expect(ok.ok).toBe(true);
    const fileBefore = readFileSync(join(dir, 'settings.json'), 'utf8');
    const res = await dispatch(app.handlers, 'settings.save', { values: { terminalId: 'T 07!', requestTimeoutMs: 5, colour: 'red' }, managerPin: '0000' }, ctx);
    expect(res).toMatchObject({ ok: false, error: { code: 'invalid_settings' } });
    if (res.ok) return;
    expect(res.error.issues?.map((i) => i.message)).toEqual(['colour: is not a setting']);
    const res2 = await dispatch(app.handlers, 'settings.save', { values: { terminalId: 'T 07!', requestTimeoutMs: 5 }, managerPin: '0000' }, ctx);
    expect(res2.ok ? [] : res2.error.issues?.map((i) => i.path).sort()).toEqual(['requestTimeoutMs', 'terminalId']);
    expect(readFileSync(join(dir, 'settings.json'), 'utf8')).toBe(fileBefore);
  });

  it('keeps the secret write-only and requires the manager PIN', async () => {
    const app = await start();
    const wrong = await dispatch(app.handlers, 'settings.save', { values: { secret: 'abcdefgh12345678' }, managerPin: '9999' }, ctx);
    expect(wrong).toMatchObject({ ok: false, error: { code: 'pin_required', message: 'managerPin: wrong manager PIN' } });
    // Before any secret: the screen already learns where one would be kept, and that the PIN is the default.
    expect(await dispatch(app.handlers, 'settings.get', {}, ctx)).toMatchObject({ ok: true, value: { hasSecret: false, secretStorage: 'plain-file', managerPinIsDefault: true } });
    const saved = await dispatch(app.handlers, 'settings.save', { values: { secret: 'abcdefgh12345678', newManagerPin: '2468' }, managerPin: '0000' }, ctx);
    expect(saved).toMatchObject({ ok: true, value: { hasSecret: true, secretStorage: 'plain-file', managerPinIsDefault: false } });
    expect(JSON.stringify(saved)).not.toContain('abcdefgh12345678');
    expect(JSON.stringify(await dispatch(app.handlers, 'settings.get', {}, ctx))).not.toContain('abcdefgh12345678');
    expect(await dispatch(app.handlers, 'settings.get', {}, ctx)).not.toHaveProperty('value.values.newManagerPin');
  });

  it('turns a PosError into data and a bug into an internal error without detail', async () => {
    const logged: string[] = [];
    const table = assembleHandlers([
      {
        'app.info': () => {
          throw new Error('secret=abc leaked in a stack');
        },
        'scanner.status': () => {
          throw new PosError('unavailable', 'no scanner configured');
        },
      },
    ]);
    const bug = await dispatch(table, 'app.info', {}, ctx, (l) => logged.push(l));
    expect(bug).toEqual({ ok: false, error: { code: 'internal', message: "app.info: internal error (see the till's log)" } });
    expect(logged[0]).toContain('secret=abc');
    expect(await dispatch(table, 'scanner.status', {}, ctx)).toEqual({ ok: false, error: { code: 'unavailable', message: 'no scanner configured' } });
  });

  it('has a handler for every channel of the contract', async () => {
    const app = await start();
    for (const channel of INVOKE_CHANNELS) expect(typeof app.handlers[channel]).toBe('function');
  });
});
