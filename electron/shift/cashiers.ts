// The cashiers of a till and who is signed in: adding a cashier and changing a PIN (manager PIN),
// sign-in with a per-cashier lockout after MAX_PIN_TRIES wrong PINs. PINs are hashed (pin.ts)
// before they reach the database; every change is one transaction with its audit entry.
import { PosError } from '../../shared/ipc/errors.js';
import type { Journal } from '../journal/journal.js';
import { hashPin, PIN_RULE, PIN_RULE_TEXT, verifyPin } from './pin.js';
import { invalid, MAX_PIN_TRIES, PIN_LOCKOUT_MS, type CashierView, type SessionView } from './rules.js';
import type { CashierRole, ShiftStore } from './store.js';

export interface CashierDeskDeps {
  store: ShiftStore;
  journal: Journal;
  terminalId: string;
  checkManagerPin: (pin: string | undefined) => void;
  now: () => number;
  at: () => string;
  tx: <T>(fn: () => T) => T;
}

export class CashierDesk {
  private session: SessionView | null = null;

  constructor(private readonly d: CashierDeskDeps) {}

  listCashiers(): CashierView[] {
    const nowMs = this.d.now();
    return this.d.store.cashiers().map((c) => ({ id: c.id, name: c.name, role: c.role, active: c.active, locked: (c.lockedUntilMs ?? 0) > nowMs }));
  }

  /** Adds a cashier (manager PIN). The PIN is hashed before it reaches the database. */
  async addCashier(input: { id: string; name: string; role?: CashierRole; pin: string }, managerPin: string | undefined): Promise<CashierView> {
    if (!/^[A-Za-z0-9_]{1,32}$/.test(input.id ?? '')) throw invalid('id', 'must be 1–32 of A-Z a-z 0-9 _');
    const name = (input.name ?? '').trim();
    if (name.length < 1 || name.length > 32) throw invalid('name', 'must be 1–32 characters');
    const role = input.role ?? 'cashier';
    if (role !== 'cashier' && role !== 'manager') throw invalid('role', 'must be cashier or manager');
    if (!PIN_RULE.test(input.pin ?? '')) throw invalid('pin', PIN_RULE_TEXT);
    this.d.checkManagerPin(managerPin);
    if (this.d.store.cashier(input.id)) throw new PosError('conflict', `id: cashier ${input.id} already exists`);
    const pinHash = await hashPin(input.pin);
    const at = this.d.at();
    this.d.tx(() => {
      this.d.store.insertCashier({ id: input.id, name, role, pinHash, at });
      this.d.journal.audit.append({ at, kind: 'cashier.added', subject: input.id, data: { name, role } });
    });
    return this.listCashiers().find((c) => c.id === input.id)!;
  }

  async setCashierPin(id: string, pin: string, managerPin: string | undefined): Promise<void> {
    if (!PIN_RULE.test(pin ?? '')) throw invalid('pin', PIN_RULE_TEXT);
    this.d.checkManagerPin(managerPin);
    if (!this.d.store.cashier(id)) throw new PosError('not_found', `cashierId: no cashier ${id}`);
    const pinHash = await hashPin(pin);
    const at = this.d.at();
    this.d.tx(() => {
      this.d.store.setPinHash(id, pinHash, at);
      this.d.journal.audit.append({ at, kind: 'cashier.pin_changed', subject: id, data: null });
    });
  }

  setCashierActive(id: string, active: boolean, managerPin: string | undefined): void {
    this.d.checkManagerPin(managerPin);
    if (!this.d.store.cashier(id)) throw new PosError('not_found', `cashierId: no cashier ${id}`);
    const at = this.d.at();
    this.d.tx(() => {
      this.d.store.setActive(id, active, at);
      this.d.journal.audit.append({ at, kind: active ? 'cashier.activated' : 'cashier.deactivated', subject: id, data: null });
    });
    if (!active && this.session?.cashierId === id) this.session = null;
  }

  /** Signs a cashier in at this till. Wrong PINs count per cashier; MAX_PIN_TRIES lock it a while. */
  async signIn(cashierId: string, pin: string): Promise<{ cashierId: string; name: string }> {
    const c = this.d.store.cashier(cashierId);
    // The same answer for an unknown id and a wrong PIN: the screen does not confirm ids.
    const wrong = () => new PosError('pin_required', 'pin: wrong cashier or PIN');
    if (!c || !c.active) {
      // Still spend the time of a hash, so an unknown id answers no faster than a wrong PIN.
      await verifyPin(pin, 'scrypt$16384$8$1$00$' + '00'.repeat(32)).catch(() => false);
      throw wrong();
    }
    const nowMs = this.d.now();
    if (c.lockedUntilMs !== null && c.lockedUntilMs > nowMs) {
      throw new PosError('pin_required', `pin: locked after ${MAX_PIN_TRIES} wrong tries; try again in ${Math.ceil((c.lockedUntilMs - nowMs) / 1000)} s`);
    }
    const ok = await verifyPin(pin, c.pinHash);
    const at = this.d.at();
    if (!ok) {
      const tries = c.failedTries + 1;
      const locked = tries >= MAX_PIN_TRIES;
      this.d.tx(() => {
        this.d.store.setTries(c.id, locked ? 0 : tries, locked ? nowMs + PIN_LOCKOUT_MS : null, at);
        this.d.journal.audit.append({ at, kind: locked ? 'cashier.locked' : 'cashier.wrong_pin', subject: c.id, data: { tries } });
      });
      throw wrong();
    }
    this.d.tx(() => {
      if (c.failedTries !== 0 || c.lockedUntilMs !== null) this.d.store.setTries(c.id, 0, null, at);
      this.d.journal.audit.append({ at, kind: 'cashier.signed_in', subject: c.id, data: { terminalId: this.d.terminalId } });
    });
    this.session = { cashierId: c.id, name: c.name, role: c.role, signedInAt: at };
    return { cashierId: c.id, name: c.name };
  }

  signOut(): void {
    this.session = null;
  }

  signedIn(): SessionView | null {
    return this.session;
  }

  requireSession(): SessionView {
    if (!this.session) throw new PosError('conflict', 'no cashier signed in: sign in with your PIN first');
    return this.session;
  }
}
