// Upkeep of a running till (issue 13): journal backups (on every shift close and daily), the
// updater, the restore command and the support bundle, with their handlers (system.status,
// backup.now, backup.restore, support.export). Called from startApp() for a healthy journal and
// from the damaged-journal start (electron/backup/damaged.ts) with `journal: null`.
import Database from 'better-sqlite3';
import { basename, join } from 'node:path';
import { BackupService, listBackups, type BackupManifest } from '../backup/backup.js';
import { knownStateOf, recordKnownState, type JournalHealth } from '../backup/health.js';
import { pendingRestore, planRestore, RestoreRefused, stageRestore } from '../backup/restore.js';
import { NO_HEAD_OFFICE, type HighWaterProvider } from '../backup/high-water.js';
import { inspectJournalFile } from '../backup/inspect.js';
import { installDecision, type TillActivity } from '../update/policy.js';
import { UpdateService, type UpdaterPort } from '../update/service.js';
import { writeSupportBundle } from '../log/bundle.js';
import { sqliteOptions } from './native.js';
import { PosError } from '../../shared/ipc/errors.js';
import type { BackupEntryView, JournalHealthView, SystemStatusView } from '../../shared/ipc/contract.js';
import type { PartialHandlers } from '../ipc/types.js';
import type { Journal } from '../journal/journal.js';
import type { SettingsStore } from '../settings/store.js';
import type { ManagerPin } from './manager-pin.js';

export interface UpkeepOptions {
  dataDir: string;
  journalPath: string;
  /** The open journal; null when it is damaged (no backups, no updates then). */
  journal: Journal | null;
  health: JournalHealth;
  settings: SettingsStore;
  pin: ManagerPin;
  version: string;
  shell: SystemStatusView['shell'];
  activity: () => TillActivity;
  /** electron-updater's instance (Electron only); none: updates are off. */
  updater?: UpdaterPort | null;
  /** What the head office holds of this journal (the replication room); default: nothing known. */
  highWater?: HighWaterProvider;
  /** Where the log files are (the support bundle takes them). */
  logDir: string;
  exportDir: () => string;
  /** Restarts the till (Electron relaunches); none: the screen asks for a restart by hand. */
  restart?: () => void;
  log: (line: string) => void;
  now?: () => number;
}

export interface Upkeep {
  backups: BackupService | null;
  updates: UpdateService | null;
  handlers: PartialHandlers;
  /** The shift service's afterClose hook: a backup, then a pending update may install. */
  afterShiftClose(): Promise<void>;
  close(): Promise<void>;
}

export function backupDirOf(settings: SettingsStore, dataDir: string): string {
  return settings.get().backupDir || join(dataDir, 'backups');
}

function entryView(m: BackupManifest): BackupEntryView {
  return { file: m.file, reason: m.reason, createdAt: m.createdAt, auditEntries: m.auditSeq, sizeBytes: m.sizeBytes };
}

export function healthView(h: JournalHealth): JournalHealthView {
  if (h.state === 'damaged') return { state: 'damaged', kind: h.kind, detail: h.detail, path: h.path, restoreRefused: h.restoreRefused };
  return { state: h.state, auditEntries: h.state === 'ok' ? h.facts.auditSeq : null, restoredFrom: h.restored ? basename(h.restored.restoredFrom) : null, restoreRefused: h.restoreRefused };
}

function sqliteVersion(): string {
  const db = new Database(':memory:', sqliteOptions());
  try {
    return String(db.prepare('SELECT sqlite_version() AS v').pluck().get());
  } finally {
    db.close();
  }
}

export function startUpkeep(o: UpkeepOptions): Upkeep {
  const now = o.now ?? Date.now;
  const highWater = o.highWater ?? NO_HEAD_OFFICE;
  const backupDir = () => backupDirOf(o.settings, o.dataDir);
  const journal = o.journal;
  const backups = journal
    ? new BackupService({
        db: journal.db,
        dir: backupDir,
        keep: () => o.settings.get().backupKeep,
        appVersion: o.version,
        now,
        log: o.log,
        onVerified: (m) => recordKnownState(o.dataDir, { journalId: m.journalId, auditSeq: m.auditSeq, auditHash: m.auditHash, at: m.createdAt }),
      })
    : null;
  const updates = journal
    ? new UpdateService({ updater: o.updater ?? null, feedUrl: () => o.settings.get().updateUrl, currentVersion: o.version, tillId: journal.journalId, activity: o.activity, log: o.log, now })
    : null;
  if (journal) {
    // What the journal holds now: a later start must find at least this in the file.
    recordKnownState(o.dataDir, knownStateOf(journal.db, new Date(now()).toISOString()));
    backups!.startDaily();
    updates!.start();
  }

  const versions = (): Record<string, string> => ({
    app: o.version,
    node: process.versions.node,
    ...(process.versions.electron ? { electron: process.versions.electron, chrome: process.versions.chrome ?? '' } : {}),
    v8: process.versions.v8,
    sqlite: sqliteVersion(),
    platform: `${process.platform} ${process.arch}`,
  });

  const status = (): SystemStatusView => {
    const b = backups?.status();
    const pending = pendingRestore(o.dataDir);
    const list = b ? null : listBackups(backupDir());
    return {
      version: o.version,
      shell: o.shell,
      versions: versions(),
      journal: healthView(o.health),
      backup: {
        dir: backupDir(),
        keep: o.settings.get().backupKeep,
        count: b?.count ?? list!.length,
        latest: (b?.latest ?? list![0]) ? entryView((b?.latest ?? list![0])!) : null,
        lastError: b?.lastError ?? null,
        pendingRestore: pending ? basename(pending.backupPath) : null,
      },
      update: updates?.status() ?? { state: 'off', feedUrl: o.settings.get().updateUrl, pendingVersion: null, waitingFor: null, outsideRollout: false, lastError: null, lastCheckAt: null },
    };
  };

  const handlers: PartialHandlers = {
    'system.status': () => status(),
    'backup.now': async ({ managerPin }) => {
      o.pin.check(managerPin);
      if (!backups) throw new PosError('unavailable', 'the journal is damaged: it cannot be backed up; restore it from a backup');
      try {
        return entryView(await backups.backupNow('manual'));
      } catch (err) {
        throw new PosError('unavailable', (err as Error).message);
      }
    },
    'backup.restore': async ({ managerPin, file, confirmOlder }) => {
      o.pin.check(managerPin);
      if (journal) {
        // A healthy till is restored only after 日结, like an update: never under a sale.
        const d = installDecision(o.activity(), true);
        if (!d.install) throw new PosError('conflict', `a restore replaces the journal: only after the shift is closed and every payment settled (${d.detail})`);
      }
      const list = listBackups(backupDir());
      const chosen = file ? list.find((m) => m.file === file) : list[0];
      if (!chosen) throw new PosError('not_found', file ? `backup ${file}: not in ${backupDir()} (or its manifest is missing)` : `no verified backup in ${backupDir()}`);
      let plan;
      try {
        plan = await planRestore(join(backupDir(), chosen.file), highWater, confirmOlder === true);
      } catch (err) {
        if (err instanceof RestoreRefused) throw new PosError('conflict', err.message, { checkResult: err.refusal.code });
        throw err;
      }
      stageRestore(o.dataDir, plan, new Date(now()).toISOString());
      o.log(`journal: restore from ${chosen.file} staged by the manager (${plan.facts.auditSeq} audit entries${plan.confirmedOlder ? `, older than the head office's ${plan.headOffice.auditSeq}: confirmed` : ''}); it is applied when the till starts again`);
      const restarting = Boolean(o.restart);
      if (o.restart) setTimeout(o.restart, 0).unref();
      return { file: chosen.file, auditEntries: plan.facts.auditSeq, headOfficeAuditEntries: plan.headOffice.auditSeq, restartNeeded: true, restarting };
    },
    'support.export': async ({ managerPin }) => {
      o.pin.check(managerPin);
      const journalCheck = journal
        ? { health: healthView(o.health), full: inspectJournalFile(o.journalPath, { check: 'full', audit: 'full' }), invariants: journal.checkInvariants() }
        : { health: healthView(o.health) };
      const { ...settings } = o.settings.get();
      const secret = o.settings.secret();
      return writeSupportBundle({
        logDir: o.logDir,
        outDir: o.exportDir(),
        now,
        secrets: secret ? [secret] : [],
        documents: { versions: versions(), journal: journalCheck, status: status(), settings: { ...settings, hasSecret: secret !== null } },
      });
    },
  };

  return {
    backups,
    updates,
    handlers,
    afterShiftClose: async () => {
      await backups?.backupNow('shift-close').catch(() => undefined);
      await updates?.installIfIdle();
    },
    close: async () => {
      await updates?.stop();
      await backups?.stop();
    },
  };
}
