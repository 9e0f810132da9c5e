// The till's updater: electron-updater's generic provider at the head office's URL. Checks in the
// background, downloads (electron-updater verifies the file's sha512 from latest.yml, and on
// Windows the installer's signature), and installs only when the policy allows (after 日结).
// The electron-updater instance is made by the shell (electron/main.ts) and handed in as an
// UpdaterPort: this module never imports electron and is tested under Node with a real
// electron-updater against an update server on 127.0.0.1.
import { installDecision, inRollout, type TillActivity } from './policy.js';
import type { UpdateStatusView } from '../../shared/ipc/contract.js';
import type { UpdateInfo } from 'electron-updater';

/** How often the till asks the head office for a new version. */
export const UPDATE_CHECK_INTERVAL_MS = 4 * 60 * 60_000;
/** How often a downloaded update looks whether the till is idle enough to install it. */
export const UPDATE_INSTALL_RETRY_MS = 5 * 60_000;

/** What electron-updater's AppUpdater offers that the till uses. */
export interface UpdaterPort {
  autoDownload: boolean;
  autoInstallOnAppQuit: boolean;
  allowDowngrade: boolean;
  isUserWithinRollout: (info: UpdateInfo) => boolean | Promise<boolean>;
  setFeedURL(options: { provider: 'generic'; url: string }): void;
  checkForUpdates(): Promise<{ isUpdateAvailable?: boolean; updateInfo: UpdateInfo } | null>;
  downloadUpdate(): Promise<string[]>;
  quitAndInstall(isSilent?: boolean, isForceRunAfter?: boolean): void;
}

export interface UpdateServiceOptions {
  updater: UpdaterPort | null;
  feedUrl: () => string;
  currentVersion: string;
  /** A stable id of this till for the staged rollout (the journal id). */
  tillId: string;
  activity: () => TillActivity;
  /** Closes the till's services cleanly before the installer takes over. */
  beforeInstall?: () => Promise<void>;
  log?: (line: string) => void;
  now?: () => number;
}

export class UpdateService {
  private state: UpdateStatusView['state'] = 'idle';
  private pendingVersion: string | null = null;
  private downloadedVersion: string | null = null;
  private outsideRollout = false;
  private lastError: string | null = null;
  private lastCheckAt: string | null = null;
  private timers: NodeJS.Timeout[] = [];
  private busy: Promise<void> | null = null;
  private readonly log: (line: string) => void;
  private readonly now: () => number;

  constructor(private readonly o: UpdateServiceOptions) {
    this.log = o.log ?? (() => undefined);
    this.now = o.now ?? Date.now;
    const u = o.updater;
    if (u) {
      // The till decides when to download and install; nothing happens behind its back on quit.
      u.autoDownload = false;
      u.autoInstallOnAppQuit = false;
      u.allowDowngrade = false;
      u.isUserWithinRollout = (info) => {
        const inside = inRollout(o.tillId, info.version, info.stagingPercentage);
        this.outsideRollout = !inside;
        if (!inside) this.log(`update: ${info.version} is published to ${info.stagingPercentage}% of tills; this till is not in that share yet`);
        return inside;
      };
    }
  }

  status(): UpdateStatusView {
    const feedUrl = this.o.feedUrl();
    const off = !this.o.updater || feedUrl === '';
    let waitingFor: string | null = null;
    if (this.downloadedVersion) {
      const d = installDecision(this.o.activity(), true);
      waitingFor = d.install ? null : d.detail;
    }
    return {
      state: off ? 'off' : this.state,
      feedUrl,
      pendingVersion: this.downloadedVersion ?? this.pendingVersion,
      waitingFor,
      outsideRollout: this.outsideRollout,
      lastError: this.lastError,
      lastCheckAt: this.lastCheckAt,
    };
  }

  /** Checks the head office for a new version and downloads it (sha512 checked). */
  checkNow(): Promise<void> {
    if (!this.busy) this.busy = this.check().finally(() => (this.busy = null));
    return this.busy;
  }

  private async check(): Promise<void> {
    const u = this.o.updater;
    const url = this.o.feedUrl();
    if (!u || url === '' || this.state === 'installing') return;
    this.lastCheckAt = new Date(this.now()).toISOString();
    this.outsideRollout = false;
    try {
      this.state = 'checking';
      u.setFeedURL({ provider: 'generic', url });
      const result = await u.checkForUpdates();
      const version = result?.updateInfo.version ?? null;
      if (!result || result.isUpdateAvailable === false || !version || version === this.o.currentVersion) {
        this.state = this.downloadedVersion ? 'downloaded' : 'idle';
        return;
      }
      if (version === this.downloadedVersion) {
        this.state = 'downloaded';
        return;
      }
      this.pendingVersion = version;
      this.state = 'downloading';
      this.log(`update: downloading ${version} from ${url}`);
      await u.downloadUpdate();
      this.downloadedVersion = version;
      this.pendingVersion = null;
      this.state = 'downloaded';
      this.lastError = null;
      this.log(`update: ${version} downloaded and its sha512 checked; it installs after 日结 (no shift open, every payment settled)`);
      await this.installIfIdle();
    } catch (err) {
      this.pendingVersion = null;
      this.state = this.downloadedVersion ? 'downloaded' : 'error';
      this.lastError = (err as Error).message.split('\n')[0]!.slice(0, 300);
      this.log(`update: ${this.lastError}`);
    }
  }

  /** Installs the downloaded update if the policy allows now; returns whether it started. */
  async installIfIdle(): Promise<boolean> {
    const u = this.o.updater;
    if (!u || !this.downloadedVersion || this.state === 'installing') return false;
    const d = installDecision(this.o.activity(), true);
    if (!d.install) return false;
    this.state = 'installing';
    this.log(`update: installing ${this.downloadedVersion} (no shift open, every payment settled)`);
    try {
      await this.o.beforeInstall?.();
    } catch (err) {
      this.log(`update: the till did not close cleanly before the install (${(err as Error).message}); installing anyway`);
    }
    u.quitAndInstall(true, true);
    return true;
  }

  start(): void {
    if (!this.o.updater || this.timers.length) return;
    void this.checkNow();
    this.timers.push(setInterval(() => void this.checkNow(), UPDATE_CHECK_INTERVAL_MS), setInterval(() => void this.installIfIdle(), UPDATE_INSTALL_RETRY_MS));
    for (const t of this.timers) t.unref();
  }

  async stop(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    await this.busy?.catch(() => undefined);
  }
}
