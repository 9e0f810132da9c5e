// The till itself: version, gateway mode (sandbox / production), online state, language.
import { defineStore } from 'pinia';
import { ref } from 'vue';
import { call, onEvent } from '../api';
import { language } from '../i18n';
import type { AppInfo } from '../../shared/ipc/contract';

export const useAppStore = defineStore('app', () => {
  const info = ref<AppInfo | null>(null);
  const error = ref<string | null>(null);
  const online = ref(true);

  async function load(): Promise<void> {
    try {
      info.value = await call('app.info', {});
      language.value = info.value.language;
      online.value = info.value.online;
      error.value = null;
    } catch (err) {
      error.value = (err as Error).message;
    }
  }

  onEvent('gateway.online', (e) => {
    online.value = e.online;
  });
  onEvent('settings.changed', () => {
    void load();
  });

  return { info, error, online, load };
});
