import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import iconv from 'iconv-lite';
import { PAPER_COLUMNS, cells, fitColumns, itemRow, leftRight, printable, textColumns, wrapColumns } from '../../../electron/printer/layout.js';

const textArb = fc.array(fc.constantFrom('a', 'Z', '1', ' ', '.', '中', '文', '￥', '（', '）', 'é', '😀', '\x1b', '\n', '\t'), { maxLength: 80 }).map((a) => a.join(''));

describe('printable', () => {
  it('turns control characters into spaces, so no text can carry an ESC/POS command', () => {
    expect(printable('a\x1b@b\x1dV\x42c\x10\x04\x01d')).toBe('a @b V\x42c   d'.replace('\x42', 'B'));
    expect(printable('行1\n行2\t尾')).toBe('行1 行2 尾');
  });
  it('replaces characters printer fonts lack (four-byte GB18030) and maps ¥ to ￥', () => {
    expect(printable('好😀¥')).toBe('好?￥');
    expect(iconv.encode(printable('好😀¥'), 'gb18030').length).toBe(2 + 1 + 2);
  });
  it('property: the printed width equals the GB18030 byte count (what the printer sees)', () => {
    fc.assert(
      fc.property(textArb, (t) => {
        const p = printable(t);
        expect(textColumns(p)).toBe(iconv.encode(p, 'gb18030').length);
        for (const ch of p) expect(ch.codePointAt(0)! >= 0x20).toBe(true);
      }),
    );
  });
});

describe('columns', () => {
  it('counts a CJK character as two columns', () => {
    expect(textColumns('合计')).toBe(4);
    expect(textColumns('Total 合计 19.99')).toBe(6 + 4 + 6);
  });
  it('fits without cutting a wide character in half', () => {
    expect(fitColumns('中文字', 5)).toBe('中文');
    expect(fitColumns('a中文', 4)).toBe('a中');
  });
  it('paper widths: 32 columns on 58 mm, 48 on 80 mm', () => {
    expect(PAPER_COLUMNS['58mm']).toBe(32);
    expect(PAPER_COLUMNS['80mm']).toBe(48);
  });
  it('leftRight puts the amount flush right', () => {
    expect(leftRight('合计', '19.99', 32)).toEqual([`合计${' '.repeat(32 - 4 - 5)}19.99`]);
  });
  it('leftRight wraps a long left text and keeps the amount on the last line', () => {
    const lines = leftRight('康师傅红烧牛肉面（经典桶装，加量不加价）', '6.50', 32);
    expect(lines.length).toBe(2);
    for (const l of lines) expect(textColumns(l)).toBeLessThanOrEqual(32);
    expect(lines[1]!.endsWith('6.50')).toBe(true);
  });
  it('cells pads and aligns', () => {
    expect(cells([{ text: '水', cols: 6 }, { text: '2', cols: 3, align: 'right' }])).toBe('水    ' + '  2');
  });
  it('property: wrapped lines never exceed the width and keep every non-space character in order', () => {
    fc.assert(
      fc.property(textArb, fc.integer({ min: 2, max: 48 }), (t, cols) => {
        const lines = wrapColumns(t, cols);
        for (const l of lines) expect(textColumns(l)).toBeLessThanOrEqual(cols);
        expect(lines.join('').replace(/ /g, '')).toBe(printable(t).replace(/ /g, ''));
      }),
    );
  });
  it('property: leftRight lines never exceed the width and end with the right text', () => {
    fc.assert(
      fc.property(textArb, fc.stringMatching(/^-?\d{1,9}\.\d\d$/), fc.constantFrom(32, 48, 16, 24), (left, right, cols) => {
        const lines = leftRight(left, right, cols);
        for (const l of lines) expect(textColumns(l)).toBeLessThanOrEqual(cols);
        expect(lines[lines.length - 1]!.endsWith(right)).toBe(true);
      }),
    );
  });
});

describe('itemRow', () => {
  it('name | qty | amount on one line when the name fits; else the name wrapped above its numbers', () => {
    expect(itemRow('可乐', '2', '7.00', 32, 5, 10)).toEqual([`可乐${' '.repeat(13)}    2      7.00`]);
    const long = itemRow('红富士苹果（山东烟台，精选大果）', '1', '12.99', 32, 5, 10);
    expect(long).toEqual(['红富士苹果（山东烟台，精选大果）', `${' '.repeat(17)}    1     12.99`]);
    // No amount column (a blind report): the name gets its room.
    expect(itemRow('可乐', '2', '', 20, 5, 10)).toEqual([`可乐${' '.repeat(11)}    2`]);
  });

  it('never wider than the paper', () => {
    fc.assert(
      fc.property(textArb, fc.constantFrom(...Object.values(PAPER_COLUMNS)), (name, cols) => {
        for (const l of itemRow(name, '12.345 kg', '9999.99', cols, 10, 10)) expect(textColumns(l)).toBeLessThanOrEqual(cols);
      }),
    );
  });
});
