import { describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManagerPin, MAX_WRONG_PIN_TRIES, PIN_LOCKOUT_MS } from '../../../electron/app/manager-pin.js';

describe('manager PIN', () => {
  it('starts as 0000, can be changed, and is stored hashed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pos-pin-'));
    const pin = new ManagerPin(dir);
    expect(pin.isDefault()).toBe(true);
    expect(() => pin.check('0000')).not.toThrow();
    pin.set('246810');
    expect(pin.isDefault()).toBe(false);
    expect(() => pin.check('0000')).toThrow('wrong manager PIN');
    expect(() => pin.check('246810')).not.toThrow();
    const { readFileSync } = await import('node:fs');
    expect(readFileSync(join(dir, 'manager-pin.json'), 'utf8')).not.toContain('246810');
    expect(() => pin.set('12a4')).toThrow('newManagerPin: must be 4–8 digits');
  });

  it('locks after too many wrong tries, then opens again', () => {
    let now = 1_000;
    const pin = new ManagerPin(mkdtempSync(join(tmpdir(), 'pos-pin-')), () => now);
    for (let i = 0; i < MAX_WRONG_PIN_TRIES; i++) expect(() => pin.check('1111')).toThrow('wrong manager PIN');
    expect(() => pin.check('0000')).toThrow(/locked/);
    now += PIN_LOCKOUT_MS;
    expect(() => pin.check('0000')).not.toThrow();
  });
});
