import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { EscPosError, EscPosWriter, MAX_JOB_BYTES, statusRequest } from '../../../electron/printer/escpos.js';
import { decodeEscPos, decodeToPrinted } from '../../../electron/printer/decode.js';

describe('ESC/POS encoder → decoder', () => {
  it('encodes each command to the bytes of the manual', () => {
    const w = new EscPosWriter().init().align('center').bold(true).size(2, 2).line('A').cut(3).drawerKick({ pin: 2, onMs: 100, offMs: 500 });
    expect([...w.toBuffer()]).toEqual([
      0x1b, 0x40, 0x1c, 0x26, // ESC @, FS &
      0x1b, 0x61, 1, // ESC a 1
      0x1b, 0x45, 1, // ESC E 1
      0x1d, 0x21, 0x11, // GS ! 0x11
      0x41, 0x0a,
      0x1d, 0x56, 66, 3, // GS V 66 3
      0x1b, 0x70, 0, 50, 250, // ESC p 0 50 250
    ]);
    expect([...statusRequest(4)]).toEqual([0x10, 0x04, 4]);
  });

  it('decodes every command back to its meaning', () => {
    const w = new EscPosWriter().init().align('right').bold(true).size(1, 2).line('合计 19.99').bold(false).feed(2).qr('P2026_01').cut(4).drawerKick({ pin: 5, onMs: 50, offMs: 200 });
    const cmds = decodeEscPos(w.toBuffer());
    expect(cmds).toEqual([
      { op: 'init' },
      { op: 'chinese', on: true },
      { op: 'align', align: 'right' },
      { op: 'bold', on: true },
      { op: 'size', width: 1, height: 2 },
      { op: 'text', text: '合计 19.99', chinese: true },
      { op: 'lf' },
      { op: 'bold', on: false },
      { op: 'feed', lines: 2 },
      { op: 'qr', fn: 'model', value: 2, data: null },
      { op: 'qr', fn: 'size', value: 6, data: null },
      { op: 'qr', fn: 'ecc', value: 49, data: null },
      { op: 'qr', fn: 'store', value: null, data: 'P2026_01' },
      { op: 'qr', fn: 'print', value: null, data: null },
      { op: 'cut', mode: 'partial', feedLines: 4 },
      { op: 'drawer', pin: 5, onMs: 50, offMs: 200 },
    ]);
    const printed = decodeToPrinted(w.toBuffer());
    expect(printed.lines[0]).toMatchObject({ text: '合计 19.99', align: 'right', bold: true, width: 1, height: 2, columns: 10 });
    expect(printed.qrCodes).toEqual(['P2026_01']);
    expect(printed.problems).toEqual([]);
  });

  it('Chinese text goes out in GB18030 and comes back the same', () => {
    const bytes = new EscPosWriter().init().line('商户单号：支付宝').toBuffer();
    expect([...bytes.subarray(4, 6)]).toEqual([0xc9, 0xcc]); // 商 in GB18030
    expect(decodeToPrinted(bytes).text).toBe('商户单号：支付宝');
  });

  it('text sent with Chinese mode off is flagged (it would print as garbage)', () => {
    const bytes = Buffer.concat([Buffer.from([0x1b, 0x40]), new EscPosWriter().text('中').toBuffer(), Buffer.from([0x0a])]);
    expect(decodeToPrinted(bytes).textOutsideChineseMode).toBe(true);
  });

  it('unknown and cut-short commands are reported as problems', () => {
    expect(decodeToPrinted(Buffer.from([0x1b, 0x40, 0x1b, 0x99, 0x41])).problems).toEqual([{ op: 'unknown', offset: 2, bytes: [0x1b, 0x99] }]);
    expect(decodeToPrinted(Buffer.from([0x1b, 0x70, 0])).problems[0]).toMatchObject({ op: 'truncated' });
  });

  it('property: any mix of ASCII and CJK text round-trips through GB18030 line by line', () => {
    const line = fc.array(fc.constantFrom('a', 'B', '7', ' ', '-', '中', '国', '银', '联', '￥', '。', '（'), { minLength: 1, maxLength: 40 }).map((a) => a.join(''));
    fc.assert(
      fc.property(fc.array(line, { minLength: 1, maxLength: 10 }), (lines) => {
        const w = new EscPosWriter().init();
        for (const l of lines) w.line(l);
        expect(decodeToPrinted(w.toBuffer()).lines.map((l) => l.text)).toEqual(lines);
      }),
    );
  });

  it('refuses bad arguments with the rule', () => {
    expect(() => new EscPosWriter().size(9, 1)).toThrow('size: width must be 1–8, got 9');
    expect(() => new EscPosWriter().qr('中文')).toThrow('qr: data must be printable ASCII');
    expect(() => new EscPosWriter().drawerKick({ pin: 2, onMs: 0, offMs: 100 })).toThrow('drawerKick: onMs must be 2–510');
    expect(() => new EscPosWriter().feed(300)).toThrow(EscPosError);
  });

  it('refuses a job over MAX_JOB_BYTES instead of sending a runaway job', () => {
    const w = new EscPosWriter();
    expect(() => {
      for (let i = 0; i < MAX_JOB_BYTES; i += 1000) w.line('x'.repeat(999));
    }).toThrow(`exceeds ${MAX_JOB_BYTES} bytes`);
    expect(w.byteLength).toBeLessThanOrEqual(MAX_JOB_BYTES);
  });
});
