// Helpers for the cashier UI's end-to-end tests: a till with settings written before it starts,
// keyboard input the way a cashier and a keyboard-wedge gun type, and the sandbox's codes.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { tempDataDir } from './browser.js';

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
