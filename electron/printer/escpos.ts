// ESC/POS encoder: builds the bytes of one print job.
//
// Only the common subset every Chinese thermal printer (Epson TM-T82/T88 CN, Xprinter, Gprinter,
// Sunmi…) understands:
//   ESC @            initialise
//   FS &  / FS .     Chinese (Kanji) mode on/off: bytes ≥ 0x81 start a GB18030/GBK character
//   ESC a n          alignment            ESC E n   bold
//   GS ! n           character size (applies to ASCII and Chinese characters alike)
//   LF / ESC d n     line feed / feed n lines
//   GS V 66 n        feed n lines and partial cut
//   ESC p m t1 t2    drawer kick pulse (m: 0 = pin 2, 1 = pin 5; t in 2 ms units)
//   GS ( k …         QR code (model 2): size, error correction, store, print
//   DLE EOT n        real-time status request (see status.ts)
// Text goes through layout.printable() first, so nothing from the outside becomes a command.
import iconv from 'iconv-lite';
import { printable } from './layout.js';

export const ESC = 0x1b;
export const GS = 0x1d;
export const FS = 0x1c;
export const DLE = 0x10;
export const EOT = 0x04;
export const LF = 0x0a;

/** A job bigger than this is refused: the longest Z report is a few kilobytes. */
export const MAX_JOB_BYTES = 512 * 1024;
/** GS ( k store: the data length field is two bytes, and the QR symbol holds ~2.9 KB at most. */
export const MAX_QR_DATA_BYTES = 512;
/** ESC d n: at most this many lines in one feed command. */
export const MAX_FEED_LINES = 255;

export type Align = 'left' | 'center' | 'right';
const ALIGN_CODE: Record<Align, number> = { left: 0, center: 1, right: 2 };

export type DrawerPin = 2 | 5;
export interface DrawerPulse {
  pin: DrawerPin;
  /** Pulse on-time; sent in 2 ms units (1–255), so 2–510 ms. */
  onMs: number;
  /** Off-time after the pulse; 2–510 ms. */
  offMs: number;
}
/** Epson's recommended pulse for most cash drawers. */
export const DEFAULT_DRAWER_PULSE: DrawerPulse = { pin: 2, onMs: 100, offMs: 500 };

export type QrEcc = 'L' | 'M' | 'Q' | 'H';
const QR_ECC_CODE: Record<QrEcc, number> = { L: 48, M: 49, Q: 50, H: 51 };

export class EscPosError extends Error {
  override name = 'EscPosError';
}

export class EscPosWriter {
  private readonly chunks: Buffer[] = [];
  private length = 0;

  private push(bytes: Buffer | readonly number[]): this {
    const buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes);
    if (this.length + buf.length > MAX_JOB_BYTES) {
      throw new EscPosError(`print job: exceeds ${MAX_JOB_BYTES} bytes (MAX_JOB_BYTES)`);
    }
    this.chunks.push(buf);
    this.length += buf.length;
    return this;
  }

  /** ESC @ then Chinese mode on: every job starts from a known printer state. */
  init(): this {
    return this.push([ESC, 0x40]).chineseMode(true);
  }

  chineseMode(on: boolean): this {
    return this.push(on ? [FS, 0x26] : [FS, 0x2e]);
  }

  align(a: Align): this {
    return this.push([ESC, 0x61, ALIGN_CODE[a]]);
  }

  bold(on: boolean): this {
    return this.push([ESC, 0x45, on ? 1 : 0]);
  }

  /** Character magnification 1–8 in each direction (GS ! n: high nibble width-1, low nibble height-1). */
  size(width: number, height: number): this {
    for (const [name, v] of [['width', width], ['height', height]] as const) {
      if (!Number.isInteger(v) || v < 1 || v > 8) throw new EscPosError(`size: ${name} must be 1–8, got ${v}`);
    }
    return this.push([GS, 0x21, ((width - 1) << 4) | (height - 1)]);
  }

  /** Text without a line feed, encoded in GB18030 after printable(). */
  text(s: string): this {
    if (s === '') return this;
    return this.push(iconv.encode(printable(s), 'gb18030'));
  }

  /** Text then LF. */
  line(s = ''): this {
    return this.text(s).push([LF]);
  }

  feed(lines: number): this {
    if (!Number.isInteger(lines) || lines < 0 || lines > MAX_FEED_LINES) {
      throw new EscPosError(`feed: lines must be 0–${MAX_FEED_LINES}, got ${lines}`);
    }
    return lines === 0 ? this : this.push([ESC, 0x64, lines]);
  }

  /** GS V 66 n: feed n lines (so the last text clears the cutter) and cut partially. */
  cut(feedLines = 3): this {
    if (!Number.isInteger(feedLines) || feedLines < 0 || feedLines > MAX_FEED_LINES) {
      throw new EscPosError(`cut: feedLines must be 0–${MAX_FEED_LINES}, got ${feedLines}`);
    }
    return this.push([GS, 0x56, 66, feedLines]);
  }

  /** ESC p m t1 t2: one pulse on the drawer kick connector. */
  drawerKick(pulse: DrawerPulse = DEFAULT_DRAWER_PULSE): this {
    const t1 = Math.round(pulse.onMs / 2);
    const t2 = Math.round(pulse.offMs / 2);
    if (t1 < 1 || t1 > 255) throw new EscPosError(`drawerKick: onMs must be 2–510, got ${pulse.onMs}`);
    if (t2 < 1 || t2 > 255) throw new EscPosError(`drawerKick: offMs must be 2–510, got ${pulse.offMs}`);
    if (pulse.pin !== 2 && pulse.pin !== 5) throw new EscPosError(`drawerKick: pin must be 2 or 5, got ${String(pulse.pin)}`);
    return this.push([ESC, 0x70, pulse.pin === 2 ? 0 : 1, t1, t2]);
  }

  /**
   * A QR code (model 2) of ASCII data: select model, module size, error correction, store, print.
   * Printers without QR support skip GS ( k as a whole because it carries its own length.
   */
  qr(data: string, opts: { moduleSize?: number; ecc?: QrEcc } = {}): this {
    const moduleSize = opts.moduleSize ?? 6;
    const ecc = opts.ecc ?? 'M';
    if (!/^[\x20-\x7e]+$/.test(data)) throw new EscPosError('qr: data must be printable ASCII');
    const bytes = Buffer.from(data, 'latin1');
    if (bytes.length > MAX_QR_DATA_BYTES) throw new EscPosError(`qr: data must be at most ${MAX_QR_DATA_BYTES} bytes`);
    if (!Number.isInteger(moduleSize) || moduleSize < 1 || moduleSize > 16) throw new EscPosError(`qr: moduleSize must be 1–16, got ${moduleSize}`);
    const storeLen = bytes.length + 3;
    this.push([GS, 0x28, 0x6b, 4, 0, 0x31, 0x41, 0x32, 0x00]); // fn 165: model 2
    this.push([GS, 0x28, 0x6b, 3, 0, 0x31, 0x43, moduleSize]); // fn 167: module size
    this.push([GS, 0x28, 0x6b, 3, 0, 0x31, 0x45, QR_ECC_CODE[ecc]]); // fn 169: error correction
    this.push([GS, 0x28, 0x6b, storeLen & 0xff, storeLen >> 8, 0x31, 0x50, 0x30]); // fn 180: store
    this.push(bytes);
    return this.push([GS, 0x28, 0x6b, 3, 0, 0x31, 0x51, 0x30]); // fn 181: print
  }

  raw(bytes: readonly number[] | Buffer): this {
    return this.push(bytes);
  }

  get byteLength(): number {
    return this.length;
  }

  toBuffer(): Buffer {
    return Buffer.concat(this.chunks, this.length);
  }
}

/** DLE EOT n: real-time status request; n = 1 printer, 2 offline cause, 3 error cause, 4 paper sensor. */
export function statusRequest(n: 1 | 2 | 3 | 4): Buffer {
  return Buffer.from([DLE, EOT, n]);
}
