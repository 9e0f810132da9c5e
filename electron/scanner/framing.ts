// Bytes in, codes out: the pure framing layer of a serial scan gun. No timers, no I/O: the caller
// passes the time of each chunk (a monotonic clock in ms) and asks for the next deadline, so the
// same code runs under a real port, under MockBinding and under a fuzzer.
//
// A scan gun sends one code as printable ASCII followed by its suffix (CR, LF, CRLF, or nothing).
// Everything else is noise: a byte outside 0x20–0x7e, a line longer than any code, a fragment whose
// end never came (gun unplugged mid-code, line noise). Noise is dropped whole and reported with a
// reason; it is never trimmed into something that looks like a code, because a trimmed payment
// code could be somebody else's valid code.

export type Terminator = 'CR' | 'LF' | 'CRLF' | 'none';

/** Longest code taken, in bytes. Payment codes are ≤ 24, EAN-13 is 13; GS1-128 labels stay under 100. */
export const MAX_CODE_BYTES = 256;
/** Default silence that ends a code when there is no terminator, or drops a fragment when there is one. */
export const DEFAULT_INTER_BYTE_TIMEOUT_MS = 100;
/** Default window in which the same code counts once (a double trigger, a presentation scanner re-reading). */
export const DEFAULT_DUPLICATE_WINDOW_MS = 1_000;
/** How many recent codes the duplicate filter remembers (each only for its window). */
export const MAX_RECENT_CODES = 32;

const CR = 0x0d;
const LF = 0x0a;
const PRINTABLE_MIN = 0x20;
const PRINTABLE_MAX = 0x7e;

export type DropReason = 'non_printable' | 'overlong' | 'partial' | 'bad_terminator';

export type FrameEvent =
  | { type: 'code'; code: string }
  /** `detail` says why in words; it never contains the dropped bytes (they may hold a payment code). */
  | { type: 'dropped'; reason: DropReason; bytes: number; detail: string };

export interface FramerOptions {
  terminator: Terminator;
  interByteTimeoutMs: number;
  /** Defaults to MAX_CODE_BYTES. */
  maxCodeBytes?: number;
}

const hex = (b: number) => `0x${b.toString(16).padStart(2, '0')}`;

function lineEndingHint(byte: number, terminator: Terminator): string {
  const name = byte === CR ? 'CR' : 'LF';
  return `${name} (${hex(byte)}) inside a code while the terminator is ${terminator}: check the scanner's suffix setting`;
}

export class ScanFramer {
  readonly terminator: Terminator;
  readonly interByteTimeoutMs: number;
  readonly maxCodeBytes: number;

  // The frame being collected. `buf` holds at most maxCodeBytes printable bytes.
  private readonly buf: Uint8Array;
  private len = 0;
  /** Bytes of this frame seen so far (kept, discarded, or bad), excluding the terminator. */
  private seen = 0;
  /** First bad byte of this frame, or -1, and what was wrong with it. */
  private badByte = -1;
  private badDetail = '';
  /** The frame outgrew maxCodeBytes: already reported, the rest is discarded up to its end. */
  private overlong = false;
  /** LF and CRLF modes: a CR was seen and waits for the next byte to tell what it was. */
  private pendingCR = false;
  /** CR and none modes: the previous byte was a CR that ended a frame (a following LF is its pair). */
  private afterCR = false;
  private lastByteAtMs = 0;

  constructor(opts: FramerOptions) {
    this.terminator = opts.terminator;
    this.interByteTimeoutMs = opts.interByteTimeoutMs;
    this.maxCodeBytes = opts.maxCodeBytes ?? MAX_CODE_BYTES;
    if (!Number.isInteger(this.maxCodeBytes) || this.maxCodeBytes < 1) throw new RangeError('maxCodeBytes: must be a whole number ≥ 1');
    if (!(this.interByteTimeoutMs > 0)) throw new RangeError('interByteTimeoutMs: must be > 0');
    this.buf = new Uint8Array(this.maxCodeBytes);
  }

  /** Something of a frame is waiting (bytes, or a CR whose meaning the next byte decides). */
  pending(): boolean {
    return this.seen > 0 || this.pendingCR;
  }

  /** When the pending frame times out, on the caller's clock; null when nothing is pending. */
  deadlineMs(): number | null {
    return this.pending() ? this.lastByteAtMs + this.interByteTimeoutMs : null;
  }

  /** Feeds one chunk as it came from the port, received at `nowMs`. */
  push(chunk: Uint8Array, nowMs: number): FrameEvent[] {
    const out: FrameEvent[] = [];
    // A gap before this chunk closes the previous frame even if the caller's timer has not fired yet.
    if (this.pending() && nowMs - this.lastByteAtMs >= this.interByteTimeoutMs) this.timeout(out);
    for (let i = 0; i < chunk.length; i++) this.byte(chunk[i]!, out);
    if (chunk.length > 0) this.lastByteAtMs = nowMs;
    return out;
  }

  /** Called when the deadline has passed: ends (none) or drops (CR/LF/CRLF) the pending frame. */
  expire(nowMs: number): FrameEvent[] {
    const out: FrameEvent[] = [];
    if (this.pending() && nowMs - this.lastByteAtMs >= this.interByteTimeoutMs) this.timeout(out);
    return out;
  }

  /** The port went away or was closed: whatever is pending is a partial code and is dropped. */
  reset(why: string): FrameEvent[] {
    const out: FrameEvent[] = [];
    if (this.pending()) out.push({ type: 'dropped', reason: 'partial', bytes: this.seen, detail: `partial code dropped: ${why}` });
    this.clear();
    this.afterCR = false;
    return out;
  }

  private byte(b: number, out: FrameEvent[]): void {
    const t = this.terminator;
    if (this.pendingCR) {
      this.pendingCR = false;
      if (b === LF) {
        this.end(out); // CR LF: the terminator of CRLF mode, and accepted as one in LF mode
        return;
      }
      if (t === 'CRLF') {
        this.endBad(out, 'CR not followed by LF (terminator is CRLF): check the scanner\'s suffix setting');
      } else {
        this.seen++; // LF mode: a lone CR was inside the code
        this.markBad(CR, lineEndingHint(CR, t));
      }
      // …then b is an ordinary byte of the next (CRLF) or the same (LF) frame.
    }
    const afterCR = this.afterCR;
    this.afterCR = false;

    if (b === CR) {
      if (t === 'CR' || t === 'none') {
        this.end(out);
        this.afterCR = true;
      } else {
        this.pendingCR = true;
      }
      return;
    }
    if (b === LF) {
      if (t === 'LF' || t === 'none') this.end(out);
      else if (t === 'CRLF') this.endBad(out, 'LF without CR (terminator is CRLF): check the scanner\'s suffix setting');
      else if (afterCR && this.seen === 0) {
        // CR mode, the LF right after the CR that ended a code: a gun sending CRLF. Harmless.
      } else {
        this.seen++;
        this.markBad(LF, lineEndingHint(LF, t));
      }
      return;
    }
    this.seen++;
    if (b < PRINTABLE_MIN || b > PRINTABLE_MAX) {
      this.markBad(b, `non-printable byte ${hex(b)} at position ${this.seen - 1}`);
      return;
    }
    if (this.overlong) return;
    if (this.len >= this.maxCodeBytes) {
      // Report at once (a line with no end would otherwise never be heard of), then discard to its end.
      this.overlong = true;
      out.push({ type: 'dropped', reason: 'overlong', bytes: this.seen, detail: `line longer than ${this.maxCodeBytes} bytes: discarded up to its end` });
      return;
    }
    this.buf[this.len++] = b;
  }

  /** Remembers the first bad byte of the frame (already counted in `seen`); the frame will be dropped. */
  private markBad(b: number, detail: string): void {
    if (this.badByte < 0) {
      this.badByte = b;
      this.badDetail = detail;
    }
  }

  private timeout(out: FrameEvent[]): void {
    if (this.pendingCR) {
      this.pendingCR = false;
      if (this.terminator === 'CRLF') {
        this.endBad(out, `CR not followed by LF within ${this.interByteTimeoutMs} ms (terminator is CRLF): check the scanner's suffix setting`);
        return;
      }
      // LF mode: the code ended with a lone CR, a gun set to CR.
      this.seen++;
      this.markBad(CR, `code ended by CR while the terminator is LF: check the scanner's suffix setting`);
    }
    if (this.terminator === 'none') {
      this.end(out);
      return;
    }
    if (this.seen > 0) {
      const detail = this.badByte >= 0 ? `no terminator within ${this.interByteTimeoutMs} ms; also ${this.badDetail}` : `no terminator within ${this.interByteTimeoutMs} ms`;
      if (!this.overlong) out.push({ type: 'dropped', reason: 'partial', bytes: this.seen, detail: `partial code dropped: ${detail}` });
    }
    this.clear();
  }

  /** The frame is complete: a code, or noise with its reason. An empty frame is nothing. */
  private end(out: FrameEvent[]): void {
    if (this.overlong) {
      // Already reported when it overflowed.
    } else if (this.badByte >= 0) {
      out.push({ type: 'dropped', reason: 'non_printable', bytes: this.seen, detail: this.badDetail });
    } else if (this.len > 0) {
      out.push({ type: 'code', code: String.fromCharCode(...this.buf.subarray(0, this.len)) });
    }
    this.clear();
  }

  private endBad(out: FrameEvent[], detail: string): void {
    if (!this.overlong) out.push({ type: 'dropped', reason: 'bad_terminator', bytes: this.seen, detail });
    this.clear();
  }

  private clear(): void {
    this.len = 0;
    this.seen = 0;
    this.badByte = -1;
    this.badDetail = '';
    this.overlong = false;
    this.pendingCR = false;
  }
}

/**
 * A double trigger (the same code again within the window) counts once. The window slides: each
 * repeat restarts it, so a presentation scanner re-reading a phone held in front of it for ten
 * seconds still gives one read. One filter may serve several scanners (the counter's gun and a
 * fixed scanner seeing the same phone), each with its own window. Bounded: at most
 * MAX_RECENT_CODES codes are remembered, the oldest forgotten first.
 */
export class DuplicateFilter {
  private readonly recent = new Map<string, number>();
  constructor(readonly defaultWindowMs = DEFAULT_DUPLICATE_WINDOW_MS) {}

  /** True when `code` at `nowMs` is a new read; false when it repeats one inside the window. */
  accept(code: string, nowMs: number, windowMs = this.defaultWindowMs): boolean {
    const last = this.recent.get(code);
    this.recent.delete(code);
    this.recent.set(code, nowMs); // re-insert: Map order is oldest first
    if (this.recent.size > MAX_RECENT_CODES) this.recent.delete(this.recent.keys().next().value!);
    return last === undefined || windowMs <= 0 || nowMs - last >= windowMs;
  }

  clear(): void {
    this.recent.clear();
  }
}
