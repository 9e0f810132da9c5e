// @vitest-environment happy-dom
// The head office's sync status in words (Settings → 总部's status line and the top bar's
// warning), Settings → 总部 rendered against a stand-in main side, and the write-only credential.
import { beforeEach, describe, expect, it } from 'vitest';
import { createApp, nextTick } from 'vue';
import { createPinia, setActivePinia } from 'pinia';
import { fakePos } from './fake-pos';
import { DEFAULT_SETTINGS, type Settings } from '../../../shared/settings';
import type { HeadOfficeStatusView } from '../../../shared/ipc/headoffice';
import type { SettingsView } from '../../../shared/ipc/contract';

const { statusWords, topBarWarning, errorWords, shortTime } = await import('../../../renderer/lib/headoffice');
const { language } = await import('../../../renderer/i18n');
const { useHeadOfficeStore } = await import('../../../renderer/stores/headoffice');
const { useSettingsStore } = await import('../../../renderer/stores/settings');
const { default: SettingsHeadOffice } = await import('../../../renderer/components/settings/SettingsHeadOffice.vue');

const OFF: HeadOfficeStatusView = { configured: false, state: 'off', tillId: null, lastPushAt: null, behind: 0, error: null, farBehind: false };
const REFUSED_WORDS = 'the head office refused this till\'s credential (wrong till id or credential, or it was rotated)';
const UNREACHABLE = 'the head office is not reachable (connection refused)';
/** 09:10 local time on 2026-12-03. */
const AT = new Date(2026, 11, 3, 9, 10, 0).toISOString();
const SAME_DAY = new Date(2026, 11, 3, 17, 0, 0);

function on(s: Partial<HeadOfficeStatusView>): HeadOfficeStatusView {
  return { ...OFF, configured: true, state: 'idle', tillId: 'T01', lastPushAt: AT, ...s };
}

function viewOf(values: Partial<Settings> = {}, hasHeadOfficeCredential = false): SettingsView {
  return { values: { ...structuredClone(DEFAULT_SETTINGS), ...values }, hasSecret: false, hasHeadOfficeCredential, secretStorage: 'plain-file', managerPinIsDefault: false };
}

async function flush(): Promise<void> {
  for (let i = 0; i < 5; i++) {
    await Promise.resolve();
    await nextTick();
  }
}

beforeEach(() => {
  language.value = 'zh-CN';
  setActivePinia(createPinia());
  document.body.innerHTML = '<div id="app"></div>';
  fakePos.calls.length = 0;
  fakePos.answer('settings.get', () => ({ ok: true, value: viewOf() }));
  fakePos.answer('headoffice.status', () => ({ ok: true, value: OFF }));
});

describe('status wording', () => {
  it('no head office: "未连接总部", nothing else, and the top bar is quiet', () => {
    expect(statusWords(OFF)).toEqual({ state: '未连接总部', tone: 'idle', last: null, behind: null, error: null });
    expect(topBarWarning(OFF)).toBeNull();
    expect(topBarWarning(null)).toBeNull();
  });

  it('in sync: the state, the last sync and nothing waiting; the top bar is quiet', () => {
    const w = statusWords(on({}));
    expect(w.state).toBe('已同步');
    expect(w.tone).toBe('ok');
    expect(w.last).toBe('上次同步 2026-12-03 09:10:00');
    expect(w.behind).toBe('没有待同步的记录');
    expect(topBarWarning(on({}), SAME_DAY)).toBeNull();
  });

  it('retrying: main\'s error in the screen\'s words, and the top bar stays quiet while not far behind', () => {
    const s = on({ state: 'retrying', lastPushAt: null, behind: 42, error: UNREACHABLE });
    const w = statusWords(s);
    expect(w.state).toBe('连接失败，稍后自动重试');
    expect(w.tone).toBe('bad');
    expect(w.last).toBe('尚未同步过');
    expect(w.behind).toBe('待同步 42 条');
    expect(w.error).toBe('连不上总部（连接被拒绝）：请检查地址、端口和网络');
    expect(topBarWarning(s, SAME_DAY)).toBeNull();
  });

  it('far behind: "总部同步落后 12,345 条 · 上次 09:10", the error in the tooltip', () => {
    const s = on({ state: 'retrying', behind: 12_345, farBehind: true, error: UNREACHABLE });
    const w = topBarWarning(s, SAME_DAY)!;
    expect(w.text).toBe('总部同步落后 12,345 条 · 上次 09:10');
    // Two short lines on the bar.
    expect([w.main, w.sub]).toEqual(['总部同步落后 12,345 条', '上次 09:10']);
    expect(w.title).toContain('连不上总部');
    expect(w.title).toContain(UNREACHABLE);
    // Another day: the date too; never pushed: said so.
    expect(topBarWarning(s, new Date(2026, 11, 4, 8, 0))!.text).toBe('总部同步落后 12,345 条 · 上次 12-03 09:10');
    expect(topBarWarning({ ...s, lastPushAt: null }, SAME_DAY)!.text).toBe('总部同步落后 12,345 条 · 尚未同步过');
  });

  it('refused: "总部拒绝同步：…" even when not far behind, main\'s own words in the tooltip', () => {
    const s = on({ state: 'refused', behind: 3, error: REFUSED_WORDS });
    const w = topBarWarning(s, SAME_DAY)!;
    expect(w.text).toBe('总部拒绝同步：总部拒绝了本机的凭据（编号或凭据不对，或已更换）');
    expect(w.title).toContain(REFUSED_WORDS);
    expect([w.main, w.sub]).toEqual(['总部拒绝同步', '详见 设置 → 总部']);
    expect(statusWords(s).state).toBe('总部拒绝同步，需要处理');
  });

  it('an error we do not know is shown as main wrote it; English reads as English', () => {
    expect(errorWords('timeout exceeded when trying to connect')).toBe('timeout exceeded when trying to connect');
    expect(errorWords(null)).toBeNull();
    language.value = 'en';
    const s = on({ state: 'retrying', behind: 12_345, farBehind: true, error: UNREACHABLE });
    expect(topBarWarning(s, SAME_DAY)!.text).toBe('HQ 12,345 behind · last 09:10');
    expect(statusWords(s).state).toBe('Could not connect; retrying by itself');
    expect(statusWords(OFF).state).toBe('No head office');
    expect(shortTime('not a time')).toBe('not a time');
  });
});

describe('the store', () => {
  it('fetches once and then follows the event; the warning follows the status', async () => {
    const ho = useHeadOfficeStore();
    await ho.load();
    expect(ho.status).toEqual(OFF);
    expect(ho.warning).toBeNull();
    fakePos.emit('headoffice.status', on({ state: 'refused', error: REFUSED_WORDS }));
    expect(ho.warning?.text).toContain('总部拒绝同步');
    fakePos.emit('headoffice.status', on({}));
    expect(ho.warning).toBeNull();
  });
});

describe('Settings → 总部', () => {
  function mount(issue: (path: string) => string | undefined = () => undefined) {
    const pinia = createPinia();
    setActivePinia(pinia);
    const app = createApp(SettingsHeadOffice, { issue }).use(pinia);
    return { app, st: useSettingsStore(), root: () => app.mount('#app') };
  }
  const q = (id: string) => document.querySelector<HTMLElement>(`[data-testid="${id}"]`);

  it('shows the status line in words, the enrolment command, and 立即同步 asks main', async () => {
    const { app, st, root } = mount();
    await st.load();
    root();
    await flush();
    expect(q('headoffice-state')!.textContent).toBe('未连接总部');
    expect((q('headoffice-sync-now') as HTMLButtonElement).disabled).toBe(true);
    expect(q('headoffice-help')!.textContent).toContain('npm run headoffice -- enroll --till <id> --shop <shop>');
    expect(q('set-headOfficeCaPath')).toBeNull();

    fakePos.emit('headoffice.status', on({ state: 'retrying', lastPushAt: null, behind: 7, error: UNREACHABLE }));
    await flush();
    expect(q('headoffice-status')!.dataset.state).toBe('retrying');
    expect(q('headoffice-state')!.textContent).toBe('连接失败，稍后自动重试');
    expect(q('headoffice-last')!.textContent).toBe('尚未同步过');
    expect(q('headoffice-behind')!.textContent).toBe('待同步 7 条');
    expect(q('headoffice-error')!.textContent).toBe('连不上总部（连接被拒绝）：请检查地址、端口和网络');
    expect(q('headoffice-error')!.title).toBe(UNREACHABLE);

    fakePos.answer('headoffice.syncNow', () => ({ ok: true, value: on({ state: 'connecting', behind: 7 }) }));
    q('headoffice-sync-now')!.click();
    await flush();
    expect(fakePos.calls.some((c) => c.channel === 'headoffice.syncNow')).toBe(true);
    expect(q('headoffice-state')!.textContent).toBe('正在连接总部…');

    // verify: the CA file field appears.
    st.draft!.headOfficeTls = 'verify';
    await flush();
    expect(q('set-headOfficeCaPath')).not.toBeNull();
    expect(q('headoffice-unsaved')).not.toBeNull();
    app.unmount();
  });

  it('a stored credential is never shown: "已保存", and the field stays empty', async () => {
    fakePos.answer('settings.get', () => ({ ok: true, value: viewOf({ headOfficeUrl: 'postgres://hq:5432/pos', headOfficeTillId: 'T01' }, true) }));
    const { app, st, root } = mount();
    await st.load();
    root();
    await flush();
    const input = q('set-headOfficeCredential') as HTMLInputElement;
    expect(input.type).toBe('password');
    expect(input.value).toBe('');
    expect(document.querySelector('[data-field="headOfficeCredential"] .field-hint')!.textContent).toContain('已保存');
    app.unmount();
  });
});

describe('the credential in the settings store', () => {
  it('a head office without a credential is refused before asking main; empty URL needs nothing', async () => {
    const st = useSettingsStore();
    await st.load();
    st.draft!.headOfficeUrl = 'postgres://127.0.0.1:5432/pos';
    expect(st.validate()).toBe(false);
    expect(Object.keys(st.issues).sort()).toEqual(['headOfficeCredential', 'headOfficeTillId']);
    st.draft!.headOfficeUrl = 'http://hq/pos';
    expect(st.validate()).toBe(false);
    expect(st.issues.headOfficeUrl).toContain('postgres://host:port/database');
    expect(st.issues.headOfficeCredential).toBeUndefined();
    st.draft!.headOfficeUrl = '';
    expect(st.validate()).toBe(true);
  });

  it('sends the credential only when typed, and forgets it after the save', async () => {
    const st = useSettingsStore();
    await st.load();
    fakePos.answer('settings.save', (p) => {
      const { headOfficeCredential: _c, ...values } = p.values;
      return { ok: true, value: viewOf(values as Partial<Settings>, true) };
    });
    st.draft!.headOfficeUrl = 'postgres://127.0.0.1:5432/pos';
    st.draft!.headOfficeTillId = 'T01';
    st.headOfficeCredential = 'Zx9_credential-0123456789';
    expect(await st.save('0000')).toBeNull();
    expect(fakePos.calls.at(-1)).toEqual({
      channel: 'settings.save',
      payload: { values: { headOfficeUrl: 'postgres://127.0.0.1:5432/pos', headOfficeTillId: 'T01', headOfficeCredential: 'Zx9_credential-0123456789' }, managerPin: '0000' },
    });
    expect(st.headOfficeCredential).toBe('');
    expect(st.view!.hasHeadOfficeCredential).toBe(true);
    // Stored now: changing the till id alone needs no credential again.
    st.draft!.headOfficeTillId = 'T02';
    expect(st.validate()).toBe(true);
    expect(st.changes()).toEqual({ headOfficeTillId: 'T02' });
  });
});
