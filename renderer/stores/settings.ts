// Settings: a draft of every value, checked here with the same rules main uses (mergeSettings) so
// that the reason shows next to the field before saving; main checks again and its issues land on
// the same fields. The gateway secret is write-only: the renderer only ever learns whether one is
// stored, and sends a new one only when the manager typed it.
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { invoke } from '../api';
import { mergeSettings, type Settings, type SettingsIssue } from '../../shared/settings';
import type { GatewayCheckResult, GatewayCheckView, SettingsView } from '../../shared/ipc/contract';
import type { IpcError } from '../../shared/ipc/errors';
import { PIN_RULE, PIN_RULE_TEXT } from '../../shared/pin';


export const useSettingsStore = defineStore('settings', () => {
  const view = ref<SettingsView | null>(null);
  const draft = ref<Settings | null>(null);
  /** A new secret typed by the manager; '' leaves the stored one as it is. */
  const secret = ref('');
  /** A new head-office credential typed by the manager (write-only too); '' leaves the stored one. */
  const headOfficeCredential = ref('');
  /** A new manager PIN; '' leaves it as it is. */
  const newManagerPin = ref('');
  /** Reasons per field path ("terminalId", "scanners.0.path", "secret", "" for the whole form). */
  const issues = ref<Record<string, string>>({});
  const loadError = ref<IpcError | null>(null);
  const saving = ref(false);
  const saved = ref(false);
  /** The last 连接测试 (or the check a save ran): its result, code and the field to look at. */
  const check = ref<{ result: GatewayCheckResult; code: number | null; field: string | null; detail: string; terminalIp: string | null } | null>(null);
  const checking = ref(false);
  const checkError = ref<IpcError | null>(null);

  async function load(): Promise<void> {
    const r = await invoke('settings.get', {});
    if (r.ok) {
      view.value = r.value;
      draft.value = structuredClone(r.value.values);
      loadError.value = null;
    } else {
      loadError.value = r.error;
    }
  }

  /** The fields the draft changes, as a partial update. */
  function changes(): Record<string, unknown> {
    if (!view.value || !draft.value) return {};
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(draft.value)) {
      const before = (view.value.values as Record<string, unknown>)[key];
      if (JSON.stringify(before) !== JSON.stringify(value)) out[key] = value;
    }
    return out;
  }

  const dirty = computed(() => Object.keys(changes()).length > 0 || secret.value !== '' || headOfficeCredential.value !== '' || newManagerPin.value !== '');

  function setIssues(list: SettingsIssue[]): void {
    const map: Record<string, string> = {};
    for (const issue of list) {
      // "terminalId: must be …" → the rule alone; the field's label is already beside it.
      const prefix = `${issue.path}: `;
      map[issue.path] = issue.message.startsWith(prefix) ? issue.message.slice(prefix.length) : issue.message;
    }
    issues.value = map;
  }

  /** Checks the draft as main will; returns true when there is nothing to refuse. */
  function validate(): boolean {
    if (!view.value) return false;
    const local: SettingsIssue[] = [];
    const merged = mergeSettings(view.value.values, changes());
    if (!merged.ok) local.push(...merged.issues);
    // A head office needs its credential: typed now, or stored before (main checks its form). Not
    // said while the URL itself is refused: that is the one thing to fix first.
    if (draft.value && draft.value.headOfficeUrl !== '' && !local.some((i) => i.path === 'headOfficeUrl') && headOfficeCredential.value === '' && !view.value.hasHeadOfficeCredential) {
      local.push({ path: 'headOfficeCredential', message: 'headOfficeCredential: required with a head office (shown once at enrolment)' });
    }
    if (newManagerPin.value !== '' && !PIN_RULE.test(newManagerPin.value)) local.push({ path: 'newManagerPin', message: `newManagerPin: ${PIN_RULE_TEXT}` });
    setIssues(local);
    return local.length === 0;
  }

  /** Saves the changes with the manager PIN; returns the error that is not about a field, if any. */
  async function save(managerPin: string): Promise<IpcError | null> {
    saved.value = false;
    if (!validate()) return null;
    const values: Record<string, unknown> = changes();
    if (secret.value !== '') values.secret = secret.value;
    if (headOfficeCredential.value !== '') values.headOfficeCredential = headOfficeCredential.value;
    if (newManagerPin.value !== '') values.newManagerPin = newManagerPin.value;
    saving.value = true;
    const r = await invoke('settings.save', { values, managerPin });
    saving.value = false;
    if (r.ok) {
      view.value = r.value;
      draft.value = structuredClone(r.value.values);
      secret.value = '';
      headOfficeCredential.value = '';
      newManagerPin.value = '';
      issues.value = {};
      saved.value = true;
      return null;
    }
    if (r.error.checkResult) {
      // The save's own gateway check refused: shown like 连接测试's answer, on the field to fix.
      const field = r.error.issues?.[0]?.path ?? null;
      check.value = { result: r.error.checkResult as GatewayCheckResult, code: r.error.gatewayCode ?? null, field, detail: r.error.message, terminalIp: null };
      return null;
    }
    if (r.error.issues?.length) {
      setIssues(r.error.issues);
      return r.error.code === 'invalid_settings' || r.error.code === 'invalid_payload' ? null : r.error;
    }
    return r.error;
  }

  /** 连接测试 with the draft (not saved) and a typed secret (not stored), behind the manager PIN. */
  async function runCheck(managerPin: string): Promise<IpcError | null> {
    check.value = null;
    checkError.value = null;
    if (!validate()) return null;
    const values = changes();
    checking.value = true;
    const r = await invoke('settings.checkGateway', { values, managerPin, ...(secret.value !== '' ? { secret: secret.value } : {}) });
    checking.value = false;
    if (r.ok) {
      const v: GatewayCheckView = r.value;
      check.value = { result: v.result, code: v.code, field: v.field, detail: v.detail, terminalIp: v.terminalIp };
      return null;
    }
    if (r.error.issues?.length && r.error.code === 'invalid_settings') {
      setIssues(r.error.issues);
      return null;
    }
    checkError.value = r.error;
    return r.error;
  }

  function discard(): void {
    if (view.value) draft.value = structuredClone(view.value.values);
    secret.value = '';
    headOfficeCredential.value = '';
    newManagerPin.value = '';
    issues.value = {};
    saved.value = false;
    check.value = null;
  }

  return { view, draft, secret, headOfficeCredential, newManagerPin, issues, loadError, saving, saved, dirty, check, checking, checkError, load, changes, validate, save, runCheck, discard };
});
