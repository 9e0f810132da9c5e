// @vitest-environment happy-dom
// The settings store: reasons land on the fields before saving (the same rules as main), main's own
// refusals land on the same fields, the secret is sent only when typed and never read back.
import { beforeEach, describe, expect, it } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { fakePos } from './fake-pos';
import { DEFAULT_SETTINGS } from '../../../shared/settings';
import type { SettingsView } from '../../../shared/ipc/contract';

const { useSettingsStore } = await import('../../../renderer/stores/settings');

function viewOf(values = DEFAULT_SETTINGS, hasSecret = false): SettingsView {
  return { values: structuredClone(values), hasSecret, hasHeadOfficeCredential: false, secretStorage: 'plain-file', managerPinIsDefault: true };
}

beforeEach(() => {
  setActivePinia(createPinia());
  fakePos.calls.length = 0;
  fakePos.answer('settings.get', () => ({ ok: true, value: viewOf() }));
});

describe('settings store', () => {
  it('refuses bad values field by field before asking main', async () => {
    const st = useSettingsStore();
    await st.load();
    st.draft!.terminalId = 'bad id!';
    st.draft!.requestTimeoutMs = 100;
    st.newManagerPin = '12';
    expect(st.validate()).toBe(false);
    expect(st.issues).toEqual({
      terminalId: 'must be 1–16 of A-Z a-z 0-9 _ -',
      requestTimeoutMs: 'must be at least 2000 ms',
      newManagerPin: 'must be 4–8 digits',
    });
    expect(await st.save('0000')).toBeNull();
    expect(fakePos.calls.some((c) => c.channel === 'settings.save')).toBe(false);
  });

  it('a cross-field rule: a real gateway needs app_id and merchant_no', async () => {
    const st = useSettingsStore();
    await st.load();
    st.draft!.gatewayUrl = 'https://pay.example.com/gateway';
    expect(st.validate()).toBe(false);
    expect(Object.keys(st.issues).sort()).toEqual(['appId', 'merchantNo']);
  });

  it('sends only the changes, the secret only when typed, and clears it after the save', async () => {
    const st = useSettingsStore();
    await st.load();
    // Main keeps the secret to itself: its answer holds only whether one is stored.
    fakePos.answer('settings.save', (p) => {
      const { secret: _secret, ...values } = p.values;
      return { ok: true, value: viewOf({ ...DEFAULT_SETTINGS, ...values }, true) };
    });
    st.draft!.shopName = '小卖部';
    st.secret = 'abcdefgh12';
    expect(st.dirty).toBe(true);
    expect(await st.save('0000')).toBeNull();
    expect(fakePos.calls.at(-1)).toEqual({ channel: 'settings.save', payload: { values: { shopName: '小卖部', secret: 'abcdefgh12' }, managerPin: '0000' } });
    expect(st.secret).toBe('');
    expect(st.saved).toBe(true);
    expect(st.view?.hasSecret).toBe(true);
    expect(JSON.stringify(st.view)).not.toContain('abcdefgh12');
  });

  it("puts main's refusals on their fields, and hands back an error that is not about a field", async () => {
    const st = useSettingsStore();
    await st.load();
    st.secret = 'short';
    fakePos.answer('settings.save', () => ({ ok: false, error: { code: 'invalid_settings', message: 'secret: must be 8–128 printable characters without spaces', issues: [{ path: 'secret', message: 'secret: must be 8–128 printable characters without spaces' }] } }));
    expect(await st.save('0000')).toBeNull();
    expect(st.issues).toEqual({ secret: 'must be 8–128 printable characters without spaces' });
    fakePos.answer('settings.save', () => ({ ok: false, error: { code: 'pin_required', message: 'managerPin: wrong manager PIN' } }));
    st.secret = 'abcdefgh12';
    expect((await st.save('9999'))?.code).toBe('pin_required');
  });
});
