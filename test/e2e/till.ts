// Helpers for the cashier UI's end-to-end tests: a till with settings written before it starts,
// keyboard input the way a cashier and a keyboard-wedge gun type, and the sandbox's codes.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { openTill, tempDataDir } from './browser.js';
import { runHostedTill, type HostedTill } from '../../electron/host/run.js';

/** A human's keys are farther apart than this; a wedge gun's much closer (see WEDGE_GAP_MS). */
export const HUMAN_KEY_DELAY_MS = 160;
/** The wedge gap the E2E tills use: wider than the default 35 ms, for a loaded 2-core machine. */
export const WEDGE_GAP_MS = 100;
/** The manager PIN of a new till. */
export const DEFAULT_PIN = '0000';

/** A data directory whose settings.json holds `settings` (defaults fill the rest). */
export function dataDirWith(name: string, settings: Record<string, unknown>): string {
  const dir = tempDataDir(name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'settings.json'), JSON.stringify({ wedgeMaxGapMs: WEDGE_GAP_MS, ...settings }));
  return dir;
}

/** A sandbox WeChat payment code (18 digits, 13…) whose last two digits choose the scripted customer. */
export function wxCode(suffix: string, serial = 0): string {
  return `13${String(40000000000000 + serial).padStart(14, '0')}${suffix}`;
}
/** A sandbox Alipay payment code (18 digits, 28…). */
export function aliCode(suffix: string, serial = 0): string {
  return `28${String(60000000000000 + serial).padStart(14, '0')}${suffix}`;
}

/** Types an amount on the keyboard at a cashier's pace. */
export async function typeAmount(page: Page, text: string): Promise<void> {
  await page.keyboard.type(text, { delay: HUMAN_KEY_DELAY_MS });
}

/** A keyboard-wedge gun: the code's digits as fast as they come, then Enter. */
export async function wedgeScan(page: Page, code: string): Promise<void> {
  // Wait a gap first, so the gun's burst does not join the cashier's last key.
  await page.waitForTimeout(WEDGE_GAP_MS * 2);
  await page.keyboard.type(code, { delay: 0 });
  await page.keyboard.press('Enter');
}

/**
 * The payment tills' pace: the sandbox's scripted customers run at 0.3 (a "10 s" confirmation takes
 * 3 s), the engine asks every 2 s so "still checking" stays on screen long enough to be seen, and
 * a request waits at most 2 s. The 45 s deadline stays: the countdown is the real one.
 */
export const PAY_TILL = {
  sandboxTimeScale: 0.3,
  engineConfig: { queryIntervalMs: 2_000, requestTimeoutMs: 2_000, payDeadlineMs: 45_000, tickMs: 1_000, reconcileIntervalMs: 1_000 },
} as const;

export async function startPayTill(name: string, settings: Record<string, unknown> = {}): Promise<HostedTill & { dataDir: string }> {
  const dataDir = dataDirWith(name, settings);
  const till = await runHostedTill({ dataDir, log: () => {}, ...PAY_TILL, engineConfig: { ...PAY_TILL.engineConfig } });
  return Object.assign(till, { dataDir });
}

/** The till's checkout screen, ready for keys. */
export async function openCheckout(browser: Browser, till: HostedTill): Promise<Page> {
  const page = await openTill(browser, till);
  await page.getByTestId('keypad').waitFor();
  // The wedge is attached once the settings arrived; give it that moment.
  await page.waitForTimeout(300);
  return page;
}

export async function resultOutcome(page: Page): Promise<string | null> {
  const el = page.getByTestId('result');
  return (await el.count()) ? el.getAttribute('data-outcome') : null;
}
