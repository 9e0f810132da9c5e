// ESC/POS decoder: bytes → commands → printed lines. Used by the tests (and handy for a
// "what did we send" view of a journaled job) so that a test checks what the printer will do —
// "the total line reads 合计 19.99, bold, and the drawer kicks once" — not a byte dump.
// It understands the subset escpos.ts writes plus the usual neighbours; anything else becomes
// an `unknown` command, which tests assert never appears.
import iconv from 'iconv-lite';
import type { Align, DrawerPin } from './escpos.js';
import { textColumns } from './layout.js';

export type EscPosCommand =
  | { op: 'text'; text: string; chinese: boolean }
  | { op: 'lf' }
  | { op: 'cr' }
  | { op: 'init' }
  | { op: 'chinese'; on: boolean }
  | { op: 'align'; align: Align }
  | { op: 'bold'; on: boolean }
  | { op: 'size'; width: number; height: number }
  | { op: 'printMode'; n: number }
  | { op: 'underline'; n: number }
  | { op: 'codePage'; n: number }
  | { op: 'feed'; lines: number }
  | { op: 'cut'; mode: 'full' | 'partial'; feedLines: number }
  | { op: 'drawer'; pin: DrawerPin; onMs: number; offMs: number }
  | { op: 'qr'; fn: 'model' | 'size' | 'ecc' | 'store' | 'print' | 'other'; value: number | null; data: string | null }
  | { op: 'status'; n: number }
  | { op: 'unknown'; offset: number; bytes: number[] }
  | { op: 'truncated'; offset: number; bytes: number[] };

const ALIGNS: Align[] = ['left', 'center', 'right'];

/** Length of the GB18030 character starting at `i` (1, 2 or 4), or 0 if the bytes are not one. */
function gbCharLength(b: Uint8Array, i: number): number {
  const lead = b[i]!;
  if (lead < 0x80) return 1;
  if (lead === 0x80 || lead === 0xff) return 0;
  const second = b[i + 1];
  if (second === undefined) return 0;
  if (second >= 0x30 && second <= 0x39) {
    const third = b[i + 2];
    const fourth = b[i + 3];
    if (third === undefined || fourth === undefined) return 0;
    return third >= 0x81 && third <= 0xfe && fourth >= 0x30 && fourth <= 0x39 ? 4 : 0;
  }
  return second >= 0x40 && second <= 0xfe && second !== 0x7f ? 2 : 0;
}

export function decodeEscPos(input: Uint8Array): EscPosCommand[] {
  const b = input;
  const out: EscPosCommand[] = [];
  let chinese = false;
  let i = 0;
  const need = (n: number): boolean => {
    if (i + n <= b.length) return true;
    out.push({ op: 'truncated', offset: i, bytes: [...b.subarray(i)] });
    i = b.length;
    return false;
  };
  while (i < b.length) {
    const c = b[i]!;
    if (c >= 0x20 && c !== 0x7f) {
      // A run of text up to the next control byte. In Chinese mode multi-byte characters are
      // taken whole (their trail bytes are ≥ 0x30, so never mistaken for a control byte).
      const start = i;
      while (i < b.length) {
        const x = b[i]!;
        if (x < 0x20 || x === 0x7f) break;
        if (chinese && x >= 0x80) {
          const n = gbCharLength(b, i);
          i += n === 0 ? 1 : n; // malformed: iconv shows it as U+FFFD
        } else i += 1;
      }
      const bytes = b.subarray(start, i);
      out.push({ op: 'text', text: chinese ? iconv.decode(Buffer.from(bytes), 'gb18030') : Buffer.from(bytes).toString('latin1'), chinese });
      continue;
    }
    const at = i;
    if (c === 0x0a) { out.push({ op: 'lf' }); i++; continue; }
    if (c === 0x0d) { out.push({ op: 'cr' }); i++; continue; }
    if (c === 0x1b) {
      if (!need(2)) break;
      const k = b[i + 1]!;
      const one = (): number | null => (need(3) ? b[i + 2]! : null);
      switch (k) {
        case 0x40: out.push({ op: 'init' }); chinese = false; i += 2; continue;
        case 0x61: { const n = one(); if (n === null) break; out.push({ op: 'align', align: ALIGNS[n % 48] ?? 'left' }); i += 3; continue; }
        case 0x45: { const n = one(); if (n === null) break; out.push({ op: 'bold', on: (n & 1) === 1 }); i += 3; continue; }
        case 0x21: { const n = one(); if (n === null) break; out.push({ op: 'printMode', n }); i += 3; continue; }
        case 0x2d: { const n = one(); if (n === null) break; out.push({ op: 'underline', n }); i += 3; continue; }
        case 0x74: { const n = one(); if (n === null) break; out.push({ op: 'codePage', n }); i += 3; continue; }
        case 0x64: { const n = one(); if (n === null) break; out.push({ op: 'feed', lines: n }); i += 3; continue; }
        case 0x70: {
          if (!need(5)) break;
          const m = b[i + 2]!;
          out.push({ op: 'drawer', pin: m === 0 || m === 48 ? 2 : 5, onMs: b[i + 3]! * 2, offMs: b[i + 4]! * 2 });
          i += 5;
          continue;
        }
        default: out.push({ op: 'unknown', offset: at, bytes: [c, k] }); i += 2; continue;
      }
      break;
    }
    if (c === 0x1d) {
      if (!need(2)) break;
      const k = b[i + 1]!;
      if (k === 0x21) {
        if (!need(3)) break;
        const n = b[i + 2]!;
        out.push({ op: 'size', width: (n >> 4) + 1, height: (n & 0x0f) + 1 });
        i += 3;
        continue;
      }
      if (k === 0x56) {
        if (!need(3)) break;
        const m = b[i + 2]!;
        if (m === 0 || m === 48 || m === 1 || m === 49) {
          out.push({ op: 'cut', mode: m === 0 || m === 48 ? 'full' : 'partial', feedLines: 0 });
          i += 3;
          continue;
        }
        if (!need(4)) break;
        out.push({ op: 'cut', mode: m === 65 || m === 97 || m === 103 ? 'full' : 'partial', feedLines: b[i + 3]! });
        i += 4;
        continue;
      }
      if (k === 0x28 && b[i + 2] === 0x6b) {
        if (!need(5)) break;
        const len = b[i + 3]! | (b[i + 4]! << 8);
        if (!need(5 + len)) break;
        const body = b.subarray(i + 5, i + 5 + len);
        const fn = body[1];
        const cmd: EscPosCommand = { op: 'qr', fn: 'other', value: null, data: null };
        if (body[0] === 0x31) {
          if (fn === 0x41) { cmd.fn = 'model'; cmd.value = (body[2] ?? 0) - 0x30; }
          else if (fn === 0x43) { cmd.fn = 'size'; cmd.value = body[2] ?? null; }
          else if (fn === 0x45) { cmd.fn = 'ecc'; cmd.value = body[2] ?? null; }
          else if (fn === 0x50) { cmd.fn = 'store'; cmd.data = Buffer.from(body.subarray(3)).toString('latin1'); }
          else if (fn === 0x51) { cmd.fn = 'print'; }
        }
        out.push(cmd);
        i += 5 + len;
        continue;
      }
      out.push({ op: 'unknown', offset: at, bytes: [c, k] });
      i += 2;
      continue;
    }
    if (c === 0x1c) {
      if (!need(2)) break;
      const k = b[i + 1]!;
      if (k === 0x26) { out.push({ op: 'chinese', on: true }); chinese = true; i += 2; continue; }
      if (k === 0x2e) { out.push({ op: 'chinese', on: false }); chinese = false; i += 2; continue; }
      out.push({ op: 'unknown', offset: at, bytes: [c, k] });
      i += 2;
      continue;
    }
    if (c === 0x10 && b[i + 1] === 0x04) {
      if (!need(3)) break;
      out.push({ op: 'status', n: b[i + 2]! });
      i += 3;
      continue;
    }
    out.push({ op: 'unknown', offset: at, bytes: [c] });
    i++;
  }
  return out;
}

export interface PrintedLine {
  text: string;
  align: Align;
  bold: boolean;
  width: number;
  height: number;
  /** Columns the line takes on paper: text columns × character width. */
  columns: number;
}

export type PrintedEvent =
  | { kind: 'line'; line: PrintedLine }
  | { kind: 'feed'; lines: number }
  | { kind: 'cut'; mode: 'full' | 'partial' }
  | { kind: 'drawer'; pin: DrawerPin; onMs: number; offMs: number }
  | { kind: 'qr'; data: string };

export interface PrintedDoc {
  events: PrintedEvent[];
  lines: PrintedLine[];
  /** All printed text, one line per LF, for `toContain` checks. */
  text: string;
  cuts: number;
  drawerKicks: Array<{ pin: DrawerPin; onMs: number; offMs: number }>;
  qrCodes: string[];
  /** Commands the decoder did not understand or that were cut short; a good job has none. */
  problems: EscPosCommand[];
  /** Whether any non-ASCII text was sent while Chinese mode was off (it would print as garbage). */
  textOutsideChineseMode: boolean;
  /** Whether the job starts with ESC @. */
  startsWithInit: boolean;
}

/** Plays the commands the way a printer would and collects what comes out on paper. */
export function interpretEscPos(commands: readonly EscPosCommand[]): PrintedDoc {
  const events: PrintedEvent[] = [];
  const problems: EscPosCommand[] = [];
  const qrCodes: string[] = [];
  const drawerKicks: PrintedDoc['drawerKicks'] = [];
  let style = { align: 'left' as Align, bold: false, width: 1, height: 1 };
  let lineStyle: typeof style | null = null;
  let buf = '';
  let cuts = 0;
  let textOutsideChineseMode = false;
  let qrStored: string | null = null;
  const reset = () => { style = { align: 'left', bold: false, width: 1, height: 1 }; };
  const endLine = () => {
    const s = lineStyle ?? style;
    events.push({ kind: 'line', line: { text: buf, ...s, columns: textColumns(buf) * s.width } });
    buf = '';
    lineStyle = null;
  };
  for (const c of commands) {
    switch (c.op) {
      case 'text':
        if (!c.chinese && /[^\x00-\x7f]/.test(c.text)) textOutsideChineseMode = true;
        if (lineStyle === null) lineStyle = { ...style };
        buf += c.text;
        break;
      case 'lf': endLine(); break;
      case 'cr': break;
      case 'init': if (buf !== '') endLine(); reset(); break;
      case 'align': style.align = c.align; break;
      case 'bold': style.bold = c.on; break;
      case 'size': style.width = c.width; style.height = c.height; break;
      case 'printMode':
        style.bold = (c.n & 0x08) !== 0;
        style.height = c.n & 0x10 ? 2 : 1;
        style.width = c.n & 0x20 ? 2 : 1;
        break;
      case 'feed': if (buf !== '') endLine(); events.push({ kind: 'feed', lines: c.lines }); break;
      case 'cut': if (buf !== '') endLine(); cuts++; events.push({ kind: 'cut', mode: c.mode }); break;
      case 'drawer': drawerKicks.push({ pin: c.pin, onMs: c.onMs, offMs: c.offMs }); events.push({ kind: 'drawer', pin: c.pin, onMs: c.onMs, offMs: c.offMs }); break;
      case 'qr':
        if (c.fn === 'store') qrStored = c.data;
        if (c.fn === 'print' && qrStored !== null) { qrCodes.push(qrStored); events.push({ kind: 'qr', data: qrStored }); }
        break;
      case 'unknown':
      case 'truncated':
        problems.push(c);
        break;
      default:
        break;
    }
  }
  if (buf !== '') endLine();
  const lines = events.flatMap((e) => (e.kind === 'line' ? [e.line] : []));
  return {
    events,
    lines,
    text: lines.map((l) => l.text).join('\n'),
    cuts,
    drawerKicks,
    qrCodes,
    problems,
    textOutsideChineseMode,
    startsWithInit: commands[0]?.op === 'init',
  };
}

export function decodeToPrinted(bytes: Uint8Array): PrintedDoc {
  return interpretEscPos(decodeEscPos(bytes));
}
