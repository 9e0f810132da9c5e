// The head office's sync status (issue 12): fetched once at start, then kept by main's
// headoffice.status event; Settings → 总部 can ask for a sync now.
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { invoke, onEvent } from '../api';
import type { HeadOfficeStatusView } from '../../shared/ipc/headoffice';
import type { IpcError } from '../../shared/ipc/errors';
import { topBarWarning } from '../lib/headoffice';

export const useHeadOfficeStore = defineStore('headoffice', () => {
  const status = ref<HeadOfficeStatusView | null>(null);
  const error = ref<IpcError | null>(null);
  const syncing = ref(false);

  async function load(): Promise<void> {
    const r = await invoke('headoffice.status', {});
    if (r.ok) {
      status.value = r.value;
      error.value = null;
    } else {
      error.value = r.error;
    }
  }

  async function syncNow(): Promise<IpcError | null> {
    syncing.value = true;
    const r = await invoke('headoffice.syncNow', {});
    syncing.value = false;
    if (r.ok) {
      status.value = r.value;
      return null;
    }
    return r.error;
  }

  onEvent('headoffice.status', (s) => {
    status.value = s;
  });
  // A save of Settings → 总部 rebuilds the pusher; its new state follows in the event too.
  onEvent('settings.changed', () => {
    void load();
  });

  /** The top bar's warning (far behind, refused) or null. */
  const warning = computed(() => topBarWarning(status.value));

  return { status, error, syncing, warning, load, syncNow };
});
