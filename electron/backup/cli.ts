// npm run restore -- --data-dir DIR [--list] [--backup FILE] [--confirm-older --manager-pin PIN]
// Restores the journal of a STOPPED till from a backup (default: the latest in the backup folder
// of its settings). The journal it replaces is kept in replaced/. A backup older than what the
// head office holds needs --confirm-older with the manager PIN; so does a head office that cannot
// be asked (unreachable, or its credential kept in the OS keyring, which only the app can read).
import { existsSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { SettingsStore, FileSecretStore } from '../settings/store.js';
import { ManagerPin } from '../app/manager-pin.js';
import { listBackups } from './backup.js';
import { applyRestore, planRestore, RestoreRefused } from './restore.js';
import { NO_HEAD_OFFICE, type HighWaterProvider } from './high-water.js';
import { headOfficeHighWater } from '../headoffice/service.js';
import { recordKnownState, KNOWN_STATE_FILE } from './health.js';
import { writeFileAtomic } from '../settings/store.js';
import { defaultDataDir } from '../host/run.js';

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { 'data-dir': { type: 'string' }, list: { type: 'boolean' }, backup: { type: 'string' }, 'confirm-older': { type: 'boolean' }, 'manager-pin': { type: 'string' } } });
  const dataDir = resolve(values['data-dir'] ?? defaultDataDir());
  const settings = new SettingsStore(dataDir, new FileSecretStore(join(dataDir, 'gateway-secret.txt')));
  const dir = settings.get().backupDir || join(dataDir, 'backups');
  const list = listBackups(dir);
  if (values.list) {
    if (list.length === 0) console.log(`no verified backup in ${dir}`);
    for (const m of list) console.log(`${m.file}  ${m.createdAt}  ${m.reason}  ${m.auditSeq} entries  ${m.sizeBytes} bytes`);
    return 0;
  }
  const chosen = values.backup ? (isAbsolute(values.backup) ? values.backup : join(dir, values.backup)) : list[0] ? join(dir, list[0].file) : null;
  if (!chosen || !existsSync(chosen)) {
    console.error(`restore: ${chosen ? `${chosen} does not exist` : `no verified backup in ${dir}`}`);
    return 2;
  }
  if (values['confirm-older']) new ManagerPin(dataDir).check(values['manager-pin']);
  const s = settings.get();
  let highWater: HighWaterProvider = NO_HEAD_OFFICE;
  if (!s.headOfficeUrl) console.log('restore: no head office is set: nothing to compare the backup with');
  else if (!settings.hasHeadOfficeCredential()) {
    // The app keeps the credential in the OS keyring, which this command cannot open.
    highWater = { kind: 'head-office', markFor: async () => Promise.reject(new Error('its credential is in the OS keyring; restore from the app to have it checked')) };
  } else highWater = headOfficeHighWater(() => s, () => settings.headOfficeCredential());
  try {
    const plan = await planRestore(chosen, highWater, values['confirm-older'] === true);
    const journalPath = join(dataDir, 'journal.sqlite');
    const stamp = new Date().toISOString().replace(/[-:.]/g, '');
    const done = await applyRestore(journalPath, dataDir, plan, stamp);
    const at = new Date().toISOString();
    // The restored file is what the till now knows (the previous known state described the old one).
    writeFileAtomic(join(dataDir, KNOWN_STATE_FILE), '{}');
    recordKnownState(dataDir, { journalId: done.facts.journalId, auditSeq: done.facts.auditSeq, auditHash: done.facts.auditHash, at });
    console.log(`restore: ${journalPath} restored from ${chosen} (${done.facts.auditSeq} audit entries); the journal it replaced is kept as ${done.keptAs ?? '(there was none)'}`);
    return 0;
  } catch (err) {
    console.error(`restore: ${(err as Error).message}`);
    return err instanceof RestoreRefused ? 3 : 1;
  }
}

main().then((code) => process.exit(code), (err: unknown) => {
  console.error(`restore: ${(err as Error).message}`);
  process.exit(1);
});
