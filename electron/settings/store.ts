// Settings on disk: settings.json in the data directory, written atomically (temp file + fsync +
// rename) so a crash mid-save leaves the old file, never half of a new one. The gateway secret is
// kept apart by a SecretStore and is never returned to the renderer.
import { existsSync, mkdirSync, readFileSync, writeFileSync, renameSync, openSync, fsyncSync, closeSync, chmodSync, rmSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { DEFAULT_SETTINGS, mergeSettings, settingsSchema, type Settings } from '../../shared/settings.js';
import { PosError } from '../../shared/ipc/errors.js';

/** Where the secret lives: the OS keyring (Electron safeStorage) or, where none is offered, a 0600 file. */
export interface SecretStore {
  readonly kind: 'os-keyring' | 'plain-file';
  load(): string | null;
  save(secret: string): void;
  clear(): void;
}

export function writeFileAtomic(path: string, data: string | Uint8Array, mode = 0o600): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, data, { mode });
  const fd = openSync(tmp, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

/** A secret in a file readable by this OS user only: used where no keyring is offered. */
export class FileSecretStore implements SecretStore {
  readonly kind = 'plain-file' as const;
  constructor(private readonly path: string) {}
  load(): string | null {
    return existsSync(this.path) ? readFileSync(this.path, 'utf8') : null;
  }
  save(secret: string): void {
    writeFileAtomic(this.path, secret);
    chmodSync(this.path, 0o600);
  }
  clear(): void {
    rmSync(this.path, { force: true });
  }
}

/** The secret may be given only as a string of printable ASCII (the gateway's secrets are). */
export const SECRET_RULE = /^[\x21-\x7e]{8,128}$/;
/** A head-office credential as enrolment issues it (base64url). */
export const CREDENTIAL_RULE = /^[A-Za-z0-9_-]{16,128}$/;
const CREDENTIAL_TEXT = 'headOfficeCredential: must be the 16–128 character credential the head office issued (A-Z a-z 0-9 _ -)';

export class SettingsStore {
  private current: Settings;
  readonly path: string;

  /** The head office credential (write-only, like the gateway secret). */
  readonly headOfficeSecrets: SecretStore;

  constructor(dataDir: string, readonly secrets: SecretStore, headOfficeSecrets?: SecretStore) {
    this.path = join(dataDir, 'settings.json');
    this.headOfficeSecrets = headOfficeSecrets ?? new FileSecretStore(join(dataDir, 'headoffice-credential.txt'));
    this.current = this.read();
  }

  private read(): Settings {
    if (!existsSync(this.path)) return { ...DEFAULT_SETTINGS };
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(this.path, 'utf8'));
    } catch (err) {
      throw new Error(`settings file ${this.path} is not valid JSON (${(err as Error).message}); fix or remove it`);
    }
    // Settings written by an older version may lack newer keys: defaults fill them.
    const parsed = settingsSchema.safeParse({ ...DEFAULT_SETTINGS, ...(raw as object) });
    if (!parsed.success) {
      const why = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
      throw new Error(`settings file ${this.path} has bad values: ${why}`);
    }
    return parsed.data;
  }

  get(): Settings {
    return structuredClone(this.current);
  }

  hasSecret(): boolean {
    return this.secrets.load() !== null;
  }

  secret(): string | null {
    return this.secrets.load();
  }

  hasHeadOfficeCredential(): boolean {
    return this.headOfficeSecrets.load() !== null;
  }

  headOfficeCredential(): string | null {
    return this.headOfficeSecrets.load();
  }

  /**
   * Applies a partial update. `secret` may be in the update (write-only); every other key must be
   * a setting. Refused as a whole, with one issue per bad field: nothing is written then.
   */
  save(update: Record<string, unknown>): Settings {
    const { secret, headOfficeCredential, ...rest } = update;
    const merged = mergeSettings(this.current, rest);
    const issues = merged.ok ? [] : [...merged.issues];
    if (secret !== undefined && (typeof secret !== 'string' || !SECRET_RULE.test(secret))) {
      issues.push({ path: 'secret', message: 'secret: must be 8–128 printable characters without spaces' });
    }
    if (headOfficeCredential !== undefined && (typeof headOfficeCredential !== 'string' || !CREDENTIAL_RULE.test(headOfficeCredential))) {
      issues.push({ path: 'headOfficeCredential', message: CREDENTIAL_TEXT });
    }
    if (merged.ok && merged.value.headOfficeUrl !== '' && headOfficeCredential === undefined && !this.hasHeadOfficeCredential()) {
      issues.push({ path: 'headOfficeCredential', message: 'headOfficeCredential: required with a head office (shown once at enrolment)' });
    }
    if (!merged.ok || issues.length) {
      throw new PosError('invalid_settings', issues.map((i) => i.message).join('; '), { issues });
    }
    const next = merged.value;
    if (next.gatewayUrl !== '' && secret === undefined && !this.hasSecret() && next.signType === 'MD5') {
      throw new PosError('invalid_settings', 'secret: required for a real gateway with MD5 signing', { issues: [{ path: 'secret', message: 'secret: required for a real gateway with MD5 signing' }] });
    }
    if (typeof secret === 'string') this.secrets.save(secret);
    if (typeof headOfficeCredential === 'string') this.headOfficeSecrets.save(headOfficeCredential);
    writeFileAtomic(this.path, `${JSON.stringify(next, null, 2)}\n`);
    this.current = next;
    return this.get();
  }
}
