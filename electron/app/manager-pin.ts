// The manager PIN guards refunds, reversals, withdrawals, settings and large shift variances.
// Stored as a salted scrypt hash; compared in constant time; too many wrong tries lock it a while.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';
import { PosError } from '../../shared/ipc/errors.js';
import { PIN_RULE, PIN_RULE_TEXT } from '../../shared/pin.js';
import { writeFileAtomic } from '../settings/store.js';

/** A new till's PIN until the manager sets one; the settings screen says so while it is in use. */
export const DEFAULT_MANAGER_PIN = '0000';
export const MAX_WRONG_PIN_TRIES = 5;
export const PIN_LOCKOUT_MS = 60_000;

interface StoredPin {
  salt: string;
  hash: string;
}

function hashPin(pin: string, salt: Buffer): Buffer {
  return scryptSync(pin, salt, 32);
}

export class ManagerPin {
  private readonly path: string;
  private wrongTries = 0;
  private lockedUntilMs = 0;

  constructor(dataDir: string, private readonly now: () => number = Date.now) {
    this.path = join(dataDir, 'manager-pin.json');
  }

  isDefault(): boolean {
    return !existsSync(this.path);
  }

  private stored(): StoredPin {
    if (!existsSync(this.path)) {
      const salt = Buffer.alloc(16);
      return { salt: salt.toString('hex'), hash: hashPin(DEFAULT_MANAGER_PIN, salt).toString('hex') };
    }
    return JSON.parse(readFileSync(this.path, 'utf8')) as StoredPin;
  }

  /** Throws pin_required unless `pin` is the manager PIN. */
  check(pin: string | undefined): void {
    const nowMs = this.now();
    if (nowMs < this.lockedUntilMs) {
      throw new PosError('pin_required', `manager PIN locked after ${MAX_WRONG_PIN_TRIES} wrong tries; try again in ${Math.ceil((this.lockedUntilMs - nowMs) / 1000)} s`);
    }
    if (pin === undefined || pin === '') throw new PosError('pin_required', 'managerPin: the manager PIN is required');
    const { salt, hash } = this.stored();
    const expected = Buffer.from(hash, 'hex');
    const got = hashPin(pin, Buffer.from(salt, 'hex'));
    if (!timingSafeEqual(expected, got)) {
      this.wrongTries++;
      if (this.wrongTries >= MAX_WRONG_PIN_TRIES) {
        this.wrongTries = 0;
        this.lockedUntilMs = nowMs + PIN_LOCKOUT_MS;
      }
      throw new PosError('pin_required', 'managerPin: wrong manager PIN');
    }
    this.wrongTries = 0;
  }

  set(newPin: string): void {
    if (!PIN_RULE.test(newPin)) throw new PosError('invalid_settings', `newManagerPin: ${PIN_RULE_TEXT}`, { issues: [{ path: 'newManagerPin', message: `newManagerPin: ${PIN_RULE_TEXT}` }] });
    const salt = randomBytes(16);
    writeFileAtomic(this.path, JSON.stringify({ salt: salt.toString('hex'), hash: hashPin(newPin, salt).toString('hex') }));
  }
}
