// The till's side of the head office, as startApp() runs it: a pusher built from the settings of
// the moment (rebuilt when Settings → 总部 changes), its status for the screen (invoke and event),
// and what the head office holds of this journal, for a restore (backup/high-water.ts).
import type { Journal } from '../journal/journal.js';
import type { EventBus } from '../app/bus.js';
import type { Settings } from '../../shared/settings.js';
import type { HeadOfficeStatusView } from '../../shared/ipc/headoffice.js';
import type { PartialHandlers } from '../ipc/types.js';
import { headOfficeProvider, type HighWaterProvider } from '../backup/high-water.js';
import { Pusher } from './pusher.js';
import { closeHeadOffice, connectHeadOffice, type HeadOfficeConfig } from './link.js';

/** How often the status is compared and, when it changed, sent to the screens. */
export const STATUS_TICK_MS = 1_000;
/** Without a head office the replication log is emptied at start and this often (it would only grow). */
export const LOG_DISCARD_INTERVAL_MS = 60 * 60_000;

export interface HeadOfficeSyncOptions {
  journal: Journal;
  settings: () => Settings;
  credential: () => string | null;
  bus?: EventBus;
  log?: (line: string) => void;
}

export function headOfficeConfigOf(s: Settings, credential: string | null): HeadOfficeConfig | null {
  if (!s.headOfficeUrl || !s.headOfficeTillId || !credential) return null;
  return { url: s.headOfficeUrl, tillId: s.headOfficeTillId, credential, tls: s.headOfficeTls, caPath: s.headOfficeCaPath };
}

/** What the head office holds of a journal (its highest audit entry stored), for a restore. */
export function headOfficeHighWater(settings: () => Settings, credential: () => string | null): HighWaterProvider {
  return headOfficeProvider(async (journalId) => {
    const config = headOfficeConfigOf(settings(), credential());
    if (!config) return null;
    const client = await connectHeadOffice(config);
    try {
      const r = await client.query<{ audit_seq: string; last_push_at: Date | null }>('SELECT audit_seq, last_push_at FROM tills WHERE till_id = $1 AND journal_id = $2', [config.tillId, journalId]);
      const row = r.rows[0];
      return row ? { journalId, auditSeq: Number(row.audit_seq), at: row.last_push_at?.toISOString() ?? null } : null;
    } finally {
      await closeHeadOffice(client);
    }
  });
}

export class HeadOfficeSync {
  private pusher: Pusher | null = null;
  private timer: NodeJS.Timeout | null = null;
  private lastSent = '';
  private configKey = '';
  private discardTimer: NodeJS.Timeout | null = null;

  constructor(private readonly o: HeadOfficeSyncOptions) {}

  start(): void {
    const config = headOfficeConfigOf(this.o.settings(), this.o.credential());
    this.configKey = JSON.stringify(config);
    if (config) {
      this.pusher = new Pusher({ journal: this.o.journal, config, log: this.o.log });
      this.pusher.start();
    } else {
      const discard = () => this.o.journal.repos.replication.discardUnsent();
      discard();
      this.discardTimer = setInterval(discard, LOG_DISCARD_INTERVAL_MS);
      this.discardTimer.unref?.();
    }
    if (!this.timer && this.o.bus) {
      this.timer = setInterval(() => this.tick(), STATUS_TICK_MS);
      this.timer.unref?.();
    }
  }

  /** After any settings save: the pusher starts again if what it connects with changed. */
  async settingsChanged(): Promise<void> {
    if (JSON.stringify(headOfficeConfigOf(this.o.settings(), this.o.credential())) !== this.configKey) await this.reconfigure();
  }

  /** Settings → 总部 changed: the pusher starts again with them. */
  async reconfigure(): Promise<void> {
    if (this.discardTimer) clearInterval(this.discardTimer);
    this.discardTimer = null;
    await this.pusher?.stop();
    this.pusher = null;
    this.start();
    this.tick();
  }

  syncNow(): HeadOfficeStatusView {
    this.pusher?.kick();
    return this.status();
  }

  status(): HeadOfficeStatusView {
    if (!this.pusher) {
      // No head office: nothing is waiting for one (the log is emptied); the last push is history.
      const { lastPushAt } = this.o.journal.repos.replication.state();
      return { configured: false, state: 'off', tillId: null, lastPushAt, behind: 0, error: null, farBehind: false };
    }
    return { configured: true, ...this.pusher.status() };
  }

  private tick(): void {
    const s = this.status();
    const key = JSON.stringify(s);
    if (key !== this.lastSent) {
      this.lastSent = key;
      this.o.bus?.emit('headoffice.status', s);
    }
  }

  handlers(): PartialHandlers {
    return {
      'headoffice.status': () => this.status(),
      'headoffice.syncNow': () => this.syncNow(),
    };
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    if (this.discardTimer) clearInterval(this.discardTimer);
    this.timer = null;
    this.discardTimer = null;
    await this.pusher?.stop();
    this.pusher = null;
  }
}
