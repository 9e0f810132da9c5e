// Column layout for receipt printers in Chinese mode.
//
// A thermal receipt printer in Chinese (Kanji) mode prints every byte 0x20–0x7E as one
// half-width column (12×24 dots) and every two-byte GB18030/GBK character as one full-width glyph
// of two columns (24×24 dots). So the width of a printed string is exactly its GB18030 byte
// count, provided we never send four-byte GB18030 sequences (emoji, rare CJK extension B…),
// which printer fonts do not carry. `printable()` replaces those and every control character,
// so that text from the outside (an item name, a shop name) can neither break the column
// arithmetic nor smuggle an ESC/POS command (ESC, GS, DLE…) into the job.
import iconv from 'iconv-lite';

export type PaperWidth = '58mm' | '80mm';

/** Columns of half-width (ASCII) characters per line in Font A; a CJK character takes two. */
export const PAPER_COLUMNS: Record<PaperWidth, number> = { '58mm': 32, '80mm': 48 };

/** What a character the printer cannot print becomes. */
export const REPLACEMENT_CHAR = '?';

/** Characters with a printable stand-in (their own GB18030 form is four bytes). */
const SUBSTITUTES: Record<string, string> = {
  '\u00a5': '\uffe5', // ¥ → ￥ (full width, in GBK)
  '\u2022': '\u00b7', // • → ·
};

/** Cache of per-character decisions; bounded because item names are open-ended text. */
const MAX_CHAR_CACHE_ENTRIES = 20_000;
const charCache = new Map<string, string>();

function printableChar(ch: string): string {
  const cp = ch.codePointAt(0)!;
  if (cp < 0x20 || cp === 0x7f) return ' '; // C0 controls, tabs and newlines: a space, never a command
  if (cp < 0x7f) return ch;
  if (cp >= 0x80 && cp < 0xa0) return ' '; // C1 controls
  const cached = charCache.get(ch);
  if (cached !== undefined) return cached;
  let out = SUBSTITUTES[ch] ?? ch;
  // Two bytes in GB18030 means the GBK repertoire the printer's font carries; four bytes does not.
  if (iconv.encode(out, 'gb18030').length !== 2) out = REPLACEMENT_CHAR;
  if (charCache.size >= MAX_CHAR_CACHE_ENTRIES) charCache.clear();
  charCache.set(ch, out);
  return out;
}

/** The text as the printer will print it: no controls, only one- and two-byte GB18030 characters. */
export function printable(text: string): string {
  let out = '';
  for (const ch of text) out += printableChar(ch);
  return out;
}

/** Columns taken by one character of printable() text: ASCII 1, anything else 2. */
export function charColumns(ch: string): 1 | 2 {
  return ch.codePointAt(0)! < 0x80 ? 1 : 2;
}

/** Columns taken by a printable() string. */
export function textColumns(text: string): number {
  let n = 0;
  for (const ch of text) n += charColumns(ch);
  return n;
}

/** Cuts a string to at most `cols` columns, never through a wide character. */
export function fitColumns(text: string, cols: number): string {
  let out = '';
  let used = 0;
  for (const ch of printable(text)) {
    const w = charColumns(ch);
    if (used + w > cols) break;
    out += ch;
    used += w;
  }
  return out;
}

export function padEndColumns(text: string, cols: number): string {
  const t = fitColumns(text, cols);
  return t + ' '.repeat(cols - textColumns(t));
}

export function padStartColumns(text: string, cols: number): string {
  const t = fitColumns(text, cols);
  return ' '.repeat(cols - textColumns(t)) + t;
}

/**
 * Wraps text into lines of at most `cols` columns. Breaks at spaces where it can (Latin words),
 * anywhere between CJK characters, and inside a word only when the word alone is too wide.
 */
export function wrapColumns(text: string, cols: number): string[] {
  if (cols < 2) throw new RangeError(`wrapColumns: cols must be at least 2, got ${cols}`);
  // Leading spaces are kept (indentation); trailing ones never print.
  const t = printable(text).trimEnd();
  if (t.trim() === '') return [''];
  const lines: string[] = [];
  let line = '';
  let used = 0;
  let lastSpace = -1; // index in `line` of the last space, for a word break
  for (const ch of t) {
    const w = charColumns(ch);
    if (used + w > cols) {
      if (ch === ' ') {
        lines.push(line.trimEnd());
        line = '';
        used = 0;
        lastSpace = -1;
        continue;
      }
      if (lastSpace > 0) {
        lines.push(line.slice(0, lastSpace).trimEnd());
        line = line.slice(lastSpace + 1);
        used = textColumns(line);
      } else {
        lines.push(line);
        line = '';
        used = 0;
      }
      lastSpace = -1;
    }
    if (ch === ' ') lastSpace = line.length;
    line += ch;
    used += w;
  }
  if (line.trim() !== '') lines.push(line.trimEnd());
  return lines;
}

/**
 * One line with `left` at the left edge and `right` flush right. When both do not fit with
 * at least one space between them, the left text wraps and the right text ends the last line
 * (or gets a line of its own).
 */
export function leftRight(left: string, right: string, cols: number): string[] {
  const r = printable(right);
  const rw = textColumns(r);
  if (rw > cols) return [...wrapColumns(left, cols), ...wrapColumns(r, cols)];
  const leftLines = wrapColumns(left, cols);
  const last = leftLines[leftLines.length - 1]!;
  const lw = textColumns(last);
  if (lw + 1 + rw <= cols || (last === '' && rw <= cols)) {
    leftLines[leftLines.length - 1] = last + ' '.repeat(cols - lw - rw) + r;
    return leftLines;
  }
  return [...leftLines, ' '.repeat(cols - rw) + r];
}

/** A row of fixed-width cells; each cell's text is cut to its width. */
export function cells(row: ReadonlyArray<{ text: string; cols: number; align?: 'left' | 'right' }>): string {
  return row.map((c) => (c.align === 'right' ? padStartColumns(c.text, c.cols) : padEndColumns(c.text, c.cols))).join('');
}

export function ruleLine(cols: number, ch = '-'): string {
  return ch.repeat(cols);
}

/**
 * One item of a list: name | quantity | amount (no amount column when `amount` is empty). A name
 * too long for its column goes on line(s) of its own, the numbers on the line below it.
 */
export function itemRow(name: string, qty: string, amount: string, cols: number, qtyCols: number, amountCols: number): string[] {
  const nameCols = cols - qtyCols - (amount ? amountCols : 0);
  const fits = textColumns(name) <= nameCols;
  const numbers = cells([{ text: fits ? name : '', cols: nameCols }, { text: qty, cols: qtyCols, align: 'right' }, ...(amount ? [{ text: amount, cols: amountCols, align: 'right' as const }] : [])]);
  return fits ? [numbers] : [...wrapColumns(name, cols), numbers];
}
