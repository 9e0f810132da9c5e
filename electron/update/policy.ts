// When an update may be installed, and whether this till is in a version's staged rollout.
// Pure: no clock, no disk, no electron. The updater service (service.ts) asks it with the till's
// state of the moment.

/** What the till is doing, as the policy needs to know it. */
export interface TillActivity {
  /** A shift is open at this till (a sale can start at any moment). */
  shiftOpen: boolean;
  /** Payment attempts not final (created / pending / reversing): a sale is under way or unsettled. */
  unsettledPayments: number;
  /** Owed gateway work (queries, reversals, refunds of paid-after-close orders) still open. */
  owedWork: number;
  /** A shift is being closed right now (its reconciliation queries run). */
  closing: boolean;
}

export type InstallDecision = { install: true } | { install: false; waitingFor: 'shift_open' | 'closing' | 'unsettled_payments' | 'owed_work' | 'nothing_downloaded'; detail: string };

/**
 * An update is installed only after 日结: no shift open, no close running, every payment final
 * and no gateway work owed. Never mid-sale, never with money whose fate is not yet known.
 */
export function installDecision(a: TillActivity, downloaded: boolean): InstallDecision {
  if (!downloaded) return { install: false, waitingFor: 'nothing_downloaded', detail: 'no update has been downloaded' };
  if (a.closing) return { install: false, waitingFor: 'closing', detail: 'a shift is being closed' };
  if (a.shiftOpen) return { install: false, waitingFor: 'shift_open', detail: 'a shift is open: the update installs after the shift is closed (日结)' };
  if (a.unsettledPayments > 0) return { install: false, waitingFor: 'unsettled_payments', detail: `${a.unsettledPayments} payment(s) are not settled yet` };
  if (a.owedWork > 0) return { install: false, waitingFor: 'owed_work', detail: `${a.owedWork} gateway task(s) (queries, reversals, refunds) are still owed` };
  return { install: true };
}

/** FNV-1a, 32 bits: a stable, well-spread hash of short text with no dependency. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** This till's bucket 0–99 for a version: stable for one till and version, spread across tills. */
export function rolloutBucket(tillId: string, version: string): number {
  return fnv1a(`${tillId}\u0000${version}`) % 100;
}

/**
 * Staged rollout: a version published with `stagingPercentage: P` reaches the tills whose bucket
 * is below P. Raising P takes in more tills; a till once in stays in. No percentage: everyone.
 */
export function inRollout(tillId: string, version: string, stagingPercentage: number | undefined | null): boolean {
  if (stagingPercentage === undefined || stagingPercentage === null) return true;
  if (!Number.isFinite(stagingPercentage)) return false;
  const p = Math.max(0, Math.min(100, Math.floor(stagingPercentage)));
  return rolloutBucket(tillId, version) < p;
}
