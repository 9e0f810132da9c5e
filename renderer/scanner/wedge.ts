// Keyboard-wedge scan guns (USB HID): the gun "types" its code into the window, fast, and presses
// Enter. This recognises such a burst and hands it over as a scanner read — the same shape as a
// serial gun's 'scanner.read' event, so the app routes both the same way.
//
// It must never steal a cashier's typing. So printable keys are never held back or swallowed:
// they reach whatever field has the focus as usual. Only when an Enter ends a burst that was fast
// enough and long enough is anything taken: that Enter is stopped (no form submit, no button
// click), the focused field gets back the value it had before the burst, and the code is reported.
// Human typing (even fast, ~80 ms a key) never makes `minLength` keys in a row within `maxGapMs`.
//
// Pure TypeScript over keydown events with timestamps: WedgeDetector decides, attachWedge wires it
// to a DOM EventTarget. Imports only shared/.
import { classifyScan, maskScanForDisplay } from '../../shared/paycode.js';
import type { EventPayload } from '../../shared/ipc/contract.js';
import { DEFAULT_SETTINGS } from '../../shared/settings.js';

/** Longest gap between two keys of one burst, and before its Enter (settings: wedgeMaxGapMs). */
export const WEDGE_MAX_GAP_MS = DEFAULT_SETTINGS.wedgeMaxGapMs;
/** Shortest burst taken as a scan (settings: wedgeMinLength). EAN-8 has 8; payment codes 16–24. */
export const WEDGE_MIN_LENGTH = DEFAULT_SETTINGS.wedgeMinLength;
/** Longest burst kept, in characters: a bounded buffer; a longer burst is not a code we take. */
export const WEDGE_MAX_LENGTH = 256;
/** The bounds the settings store allows, checked here too with the field named. */
export const WEDGE_MAX_GAP_RANGE_MS = [10, 200] as const;
export const WEDGE_MIN_LENGTH_RANGE = [4, 32] as const;
/** Elements (or their ancestors) with this attribute are left alone: e.g. a field for testing a gun. */
export const WEDGE_IGNORE_ATTRIBUTE = 'data-wedge-ignore';

export type ScannerRead = EventPayload<'scanner.read'>;

export interface WedgeOptions {
  maxGapMs?: number;
  minLength?: number;
  maxLength?: number;
  /** The scannerId of the reads; default 'keyboard'. */
  scannerId?: string;
  /** A clock in ms for tests; default: the event's timeStamp. */
  now?: () => number;
}

export interface WedgeKey {
  /** KeyboardEvent.key */
  key: string;
  timeMs: number;
}

export type WedgeStep =
  /** A printable key: let it through. `startsBurst`: the first of a possible burst. */
  | { type: 'char'; startsBurst: boolean }
  /** Enter ended a fast burst: a scan. */
  | { type: 'scan'; code: string }
  /** A modifier (Shift for capitals): neither part of the code nor a break in the burst. */
  | { type: 'modifier' }
  /** Anything else: ordinary typing, let through; any burst so far is forgotten. */
  | { type: 'pass' };

const MODIFIERS = new Set(['Shift', 'CapsLock']);
const PRINTABLE_ASCII = /^[\x20-\x7e]$/;

function checkRange(field: string, value: number, [min, max]: readonly [number, number]): number {
  if (!Number.isInteger(value) || value < min || value > max) throw new RangeError(`${field}: must be a whole number from ${min} to ${max}`);
  return value;
}

export class WedgeDetector {
  readonly maxGapMs: number;
  readonly minLength: number;
  readonly maxLength: number;
  private chars = '';
  private lastMs = Number.NEGATIVE_INFINITY;
  private overlong = false;

  constructor(opts: WedgeOptions = {}) {
    this.maxGapMs = checkRange('wedgeMaxGapMs', opts.maxGapMs ?? WEDGE_MAX_GAP_MS, WEDGE_MAX_GAP_RANGE_MS);
    this.minLength = checkRange('wedgeMinLength', opts.minLength ?? WEDGE_MIN_LENGTH, WEDGE_MIN_LENGTH_RANGE);
    this.maxLength = checkRange('maxLength', opts.maxLength ?? WEDGE_MAX_LENGTH, [this.minLength, 4096]);
  }

  /** One keydown. */
  key(k: WedgeKey): WedgeStep {
    if (MODIFIERS.has(k.key)) return { type: 'modifier' };
    const fast = this.chars.length > 0 && k.timeMs - this.lastMs <= this.maxGapMs;
    if (PRINTABLE_ASCII.test(k.key)) {
      if (!fast) {
        this.chars = '';
        this.overlong = false;
      }
      if (this.chars.length >= this.maxLength) this.overlong = true;
      else this.chars += k.key;
      this.lastMs = k.timeMs;
      return { type: 'char', startsBurst: !fast };
    }
    if (k.key === 'Enter' && fast && !this.overlong && this.chars.length >= this.minLength) {
      const code = this.chars;
      this.reset();
      return { type: 'scan', code };
    }
    this.reset();
    return { type: 'pass' };
  }

  reset(): void {
    this.chars = '';
    this.overlong = false;
    this.lastMs = Number.NEGATIVE_INFINITY;
  }
}

/** A read of a wedge gun, classified like a serial one. */
export function wedgeRead(code: string, scannerId = 'keyboard'): ScannerRead {
  const scan = classifyScan(code);
  return {
    scannerId,
    kind: scan.kind,
    code: scan.code,
    masked: maskScanForDisplay(scan),
    channel: scan.kind === 'payment' ? scan.channel : null,
    symbology: scan.kind === 'product' ? scan.symbology : null,
  };
}

interface Snapshot {
  el: HTMLInputElement | HTMLTextAreaElement;
  value: string;
  start: number | null;
  end: number | null;
}

function textField(t: EventTarget | null): HTMLInputElement | HTMLTextAreaElement | null {
  const el = t as { tagName?: unknown; value?: unknown } | null;
  if (!el || typeof el.tagName !== 'string' || typeof el.value !== 'string') return null;
  return el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' ? (el as HTMLInputElement | HTMLTextAreaElement) : null;
}

function selection(el: HTMLInputElement | HTMLTextAreaElement): [number | null, number | null] {
  try {
    return [el.selectionStart, el.selectionEnd];
  } catch {
    return [null, null]; // e.g. <input type="number"> has no selection
  }
}

function ignored(t: EventTarget | null): boolean {
  const el = t as { closest?: (sel: string) => unknown } | null;
  return typeof el?.closest === 'function' && el.closest(`[${WEDGE_IGNORE_ATTRIBUTE}]`) !== null;
}

/**
 * Listens for keydown on `target` (the window or document, in the capture phase, so a scan's
 * Enter is stopped before any field or form sees it) and calls `onScan` for each burst taken.
 * Returns the function that detaches it.
 */
export function attachWedge(target: EventTarget, opts: WedgeOptions, onScan: (read: ScannerRead) => void): () => void {
  const detector = new WedgeDetector(opts);
  const scannerId = opts.scannerId ?? 'keyboard';
  let snapshot: Snapshot | null = null;

  const onKeyDown = (ev: Event) => {
    const e = ev as KeyboardEvent;
    // IME composition (pinyin), shortcuts and fields that opt out are ordinary typing.
    if (e.isComposing || e.ctrlKey || e.altKey || e.metaKey || ignored(e.target)) {
      detector.reset();
      snapshot = null;
      return;
    }
    const timeMs = opts.now ? opts.now() : e.timeStamp;
    const step = detector.key({ key: e.key, timeMs });
    if (step.type === 'char') {
      if (step.startsBurst) {
        // The value before this key lands: what the field gets back if this turns out to be a scan.
        const el = textField(e.target);
        if (el) {
          const [start, end] = selection(el);
          snapshot = { el, value: el.value, start, end };
        } else {
          snapshot = null;
        }
      }
      return;
    }
    if (step.type === 'modifier') return;
    if (step.type === 'pass') {
      snapshot = null;
      return;
    }
    e.preventDefault();
    e.stopImmediatePropagation();
    const snap = snapshot;
    snapshot = null;
    if (snap && snap.el.value !== snap.value) {
      snap.el.value = snap.value;
      if (snap.start !== null && snap.end !== null) {
        try {
          snap.el.setSelectionRange(snap.start, snap.end);
        } catch {
          // no selection on this input type
        }
      }
      // Frameworks (v-model) learn the restored value from an input event.
      snap.el.dispatchEvent(new Event('input', { bubbles: true }));
    }
    onScan(wedgeRead(step.code, scannerId));
  };

  target.addEventListener('keydown', onKeyDown, { capture: true });
  return () => target.removeEventListener('keydown', onKeyDown, { capture: true });
}
