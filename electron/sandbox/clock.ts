// Sandbox time: every duration the sandbox knows is in SANDBOX milliseconds and lasts
// `timeScale` times as long in real time (`--time-scale 0.01` runs 100 times faster).
import { toLocalIso } from '../../shared/wire-time.js';

export interface SandboxClock {
  readonly timeScale: number;
  /** Real wall-clock ms (Date.now()). */
  nowMs(): number;
  /** A sandbox duration → real ms. */
  realMs(sandboxMs: number): number;
  /** Real ms → ISO local time. */
  iso(realMs: number): string;
}

export function createClock(timeScale: number, now: () => number = Date.now): SandboxClock {
  if (!(timeScale > 0) || !Number.isFinite(timeScale)) throw new RangeError('timeScale: must be a positive number');
  return {
    timeScale,
    nowMs: now,
    realMs: (sandboxMs) => Math.max(0, Math.round(sandboxMs * timeScale)),
    iso: (ms) => toLocalIso(new Date(ms)),
  };
}

export const SECOND_MS = 1000;
export const MINUTE_MS = 60 * SECOND_MS;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;
