// The till itself: version, gateway mode (sandbox / production), online state, language.
import { defineStore } from 'pinia';
import { ref } from 'vue';
import { call, onEvent } from '../api';
import { language } from '../i18n';
import type { AppInfo, RecoveryStatus } from '../../shared/ipc/contract';

export const useAppStore = defineStore('app', () => {
  const info = ref<AppInfo | null>(null);
  const error = ref<string | null>(null);
  const online = ref(true);
  /** Owed work of the last run being settled in the background (the cashier is served meanwhile). */
  const recovery = ref<RecoveryStatus>({ running: false, owed: 0 });

  async function load(): Promise<void> {
    try {
      info.value = await call('app.info', {});
      language.value = info.value.language;
      online.value = info.value.online;
      recovery.value = info.value.recovery;
      error.value = null;
    } catch (err) {
      error.value = (err as Error).message;
    }
  }

  onEvent('gateway.online', (e) => {
    online.value = e.online;
  });
  onEvent('checkout.recovery', (e) => {
    recovery.value = e;
  });
  onEvent('settings.changed', () => {
    void load();
  });

  return { info, error, online, recovery, load };
});
