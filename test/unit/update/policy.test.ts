// The install policy (only after 日结) and the staged rollout buckets, as pure functions.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { installDecision, inRollout, rolloutBucket } from '../../../electron/update/policy.js';

const idle = { shiftOpen: false, unsettledPayments: 0, owedWork: 0, closing: false };

describe('install policy', () => {
  it('installs only with nothing open: no shift, no close running, no unsettled payment, no owed work', () => {
    expect(installDecision(idle, true)).toEqual({ install: true });
    expect(installDecision(idle, false)).toMatchObject({ install: false, waitingFor: 'nothing_downloaded' });
    expect(installDecision({ ...idle, shiftOpen: true }, true)).toMatchObject({ install: false, waitingFor: 'shift_open', detail: expect.stringMatching(/日结/) });
    expect(installDecision({ ...idle, closing: true }, true)).toMatchObject({ install: false, waitingFor: 'closing' });
    expect(installDecision({ ...idle, unsettledPayments: 1 }, true)).toMatchObject({ install: false, waitingFor: 'unsettled_payments' });
    expect(installDecision({ ...idle, owedWork: 3 }, true)).toMatchObject({ install: false, waitingFor: 'owed_work', detail: '3 gateway task(s) (queries, reversals, refunds) are still owed' });
  });

  it('never installs while anything is open (property)', () => {
    fc.assert(
      fc.property(fc.boolean(), fc.nat(5), fc.nat(5), fc.boolean(), (shiftOpen, unsettledPayments, owedWork, closing) => {
        const d = installDecision({ shiftOpen, unsettledPayments, owedWork, closing }, true);
        expect(d.install).toBe(!shiftOpen && unsettledPayments === 0 && owedWork === 0 && !closing);
      }),
    );
  });
});

describe('staged rollout', () => {
  it('buckets are stable per till and version, spread across tills', () => {
    expect(rolloutBucket('abcd1234', '1.0.0')).toBe(rolloutBucket('abcd1234', '1.0.0'));
    const counts = new Array(10).fill(0) as number[];
    for (let i = 0; i < 5000; i++) counts[Math.floor(rolloutBucket(`till${i}`, '2.1.0') / 10)]!++;
    // Each tenth of the range gets roughly a tenth of 5,000 tills.
    for (const c of counts) expect(c).toBeGreaterThan(350);
  });

  it('no percentage: every till; 0: none; 100: all; raising it only takes tills in', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 16 }), fc.integer({ min: 0, max: 100 }), fc.integer({ min: 0, max: 100 }), (id, p, q) => {
        expect(inRollout(id, '3.0.0', undefined)).toBe(true);
        expect(inRollout(id, '3.0.0', 0)).toBe(false);
        expect(inRollout(id, '3.0.0', 100)).toBe(true);
        if (inRollout(id, '3.0.0', Math.min(p, q))) expect(inRollout(id, '3.0.0', Math.max(p, q))).toBe(true);
      }),
    );
    expect(inRollout('x', '1', Number.NaN)).toBe(false);
  });
});
