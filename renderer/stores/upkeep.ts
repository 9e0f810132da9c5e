// The till's upkeep as the screens see it: version, journal health, backups, the pending update
// (system.status), and the manager's actions: back up now, restore, export a support bundle.
import { defineStore } from 'pinia';
import { ref } from 'vue';
import { invoke } from '../api';
import type { RestoreView, SystemStatusView } from '../../shared/ipc/contract';
import type { IpcError } from '../../shared/ipc/errors';

export const useUpkeepStore = defineStore('upkeep', () => {
  const status = ref<SystemStatusView | null>(null);
  const loadError = ref<IpcError | null>(null);
  const restored = ref<RestoreView | null>(null);
  /** The last restore was refused as older than the head office: the manager may confirm it. */
  const needsOlderConfirm = ref(false);
  const lastBundle = ref<string | null>(null);
  const backedUp = ref<string | null>(null);

  async function load(): Promise<void> {
    const r = await invoke('system.status', {});
    if (r.ok) {
      status.value = r.value;
      loadError.value = null;
    } else loadError.value = r.error;
  }

  async function backupNow(managerPin: string): Promise<IpcError | null> {
    const r = await invoke('backup.now', { managerPin });
    if (!r.ok) return r.error;
    backedUp.value = r.value.file;
    await load();
    return null;
  }

  async function restore(managerPin: string, confirmOlder: boolean): Promise<IpcError | null> {
    const r = await invoke('backup.restore', { managerPin, ...(confirmOlder ? { confirmOlder: true } : {}) });
    if (!r.ok) {
      needsOlderConfirm.value = r.error.checkResult === 'older_than_head_office' || r.error.checkResult === 'head_office_unreachable';
      return r.error;
    }
    needsOlderConfirm.value = false;
    restored.value = r.value;
    await load();
    return null;
  }

  async function exportBundle(managerPin: string): Promise<IpcError | null> {
    const r = await invoke('support.export', { managerPin });
    if (!r.ok) return r.error;
    lastBundle.value = r.value.path;
    return null;
  }

  return { status, loadError, restored, needsOlderConfirm, lastBundle, backedUp, load, backupNow, restore, exportBundle };
});
