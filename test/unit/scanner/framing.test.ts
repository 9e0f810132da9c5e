import { describe, expect, it } from 'vitest';
import { DuplicateFilter, MAX_CODE_BYTES, MAX_RECENT_CODES, ScanFramer, type FrameEvent, type Terminator } from '../../../electron/scanner/framing.js';

const T = 100; // inter-byte timeout of these tests, ms
const bytes = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));
const framer = (terminator: Terminator, maxCodeBytes?: number) => new ScanFramer({ terminator, interByteTimeoutMs: T, maxCodeBytes });
const codes = (events: FrameEvent[]) => events.filter((e) => e.type === 'code').map((e) => (e as { code: string }).code);
const drops = (events: FrameEvent[]) => events.filter((e) => e.type === 'dropped') as Extract<FrameEvent, { type: 'dropped' }>[];

/** Pushes chunks 1 ms apart, then lets the timeout pass; returns every event. */
function run(f: ScanFramer, chunks: string[], t0 = 0): FrameEvent[] {
  const out: FrameEvent[] = [];
  let t = t0;
  for (const c of chunks) out.push(...f.push(bytes(c), t++));
  out.push(...f.expire(t + T));
  return out;
}

const WX = '134567890123456789';

describe('ScanFramer, terminator CR', () => {
  it('takes a code ended by CR, also split across chunks and several in one chunk', () => {
    expect(codes(run(framer('CR'), [`${WX}\r`]))).toEqual([WX]);
    expect(codes(run(framer('CR'), ['1345', '678901', '23456789', '\r']))).toEqual([WX]);
    expect(codes(run(framer('CR'), ['4006381333931\r96385074\r036000291452\r']))).toEqual(['4006381333931', '96385074', '036000291452']);
  });

  it('emits the code the moment the CR arrives (no timeout wait)', () => {
    const f = framer('CR');
    expect(f.push(bytes('12345678'), 0)).toEqual([]);
    expect(f.push(bytes('\r'), 1)).toEqual([{ type: 'code', code: '12345678' }]);
    expect(f.deadlineMs()).toBeNull();
  });

  it('accepts a gun that sends CRLF: the LF right after the CR is its pair, not noise', () => {
    const ev = run(framer('CR'), ['abc\r\n', 'def\r', '\n']);
    expect(codes(ev)).toEqual(['abc', 'def']);
    expect(drops(ev)).toEqual([]);
  });

  it('drops a code with an LF inside it, saying to check the suffix', () => {
    const ev = run(framer('CR'), ['ab\ncd\r', 'ok\r']);
    expect(codes(ev)).toEqual(['ok']);
    expect(drops(ev)).toHaveLength(1);
    expect(drops(ev)[0]!.reason).toBe('non_printable');
    expect(drops(ev)[0]!.detail).toMatch(/LF .*terminator is CR/);
  });

  it('ignores empty lines', () => {
    expect(run(framer('CR'), ['\r\r\r'])).toEqual([]);
  });
});

describe('ScanFramer, terminator LF', () => {
  it('takes LF-ended codes and CRLF-ended ones', () => {
    expect(codes(run(framer('LF'), ['abc\n', 'de', 'f\r\n', 'g\r', '\n']))).toEqual(['abc', 'def', 'g']);
  });

  it('drops a code with a CR inside it', () => {
    const ev = run(framer('LF'), ['ab\rcd\n', 'ok\n']);
    expect(codes(ev)).toEqual(['ok']);
    expect(drops(ev)[0]).toMatchObject({ reason: 'non_printable', bytes: 5 });
  });

  it('a gun sending CR while LF is set: dropped as partial, with the reason', () => {
    const ev = run(framer('LF'), ['12345678\r']);
    expect(codes(ev)).toEqual([]);
    expect(drops(ev)).toHaveLength(1);
    expect(drops(ev)[0]!.reason).toBe('partial');
    expect(drops(ev)[0]!.detail).toMatch(/ended by CR while the terminator is LF/);
  });
});

describe('ScanFramer, terminator CRLF', () => {
  it('takes CRLF-ended codes, the pair split across chunks too', () => {
    expect(codes(run(framer('CRLF'), ['abc\r\n', 'def\r', '\nghi', '\r\n']))).toEqual(['abc', 'def', 'ghi']);
  });

  it('refuses a lone CR or a lone LF as bad_terminator, and the next code is whole', () => {
    const ev = run(framer('CRLF'), ['abc\rdef\r\n', 'xyz\n', 'ok\r\n']);
    expect(codes(ev)).toEqual(['def', 'ok']);
    expect(drops(ev).map((d) => d.reason)).toEqual(['bad_terminator', 'bad_terminator']);
    expect(drops(ev)[0]!.detail).toMatch(/CR not followed by LF/);
    expect(drops(ev)[1]!.detail).toMatch(/LF without CR/);
  });

  it('a CR at the end that never gets its LF is dropped after the timeout', () => {
    const f = framer('CRLF');
    expect(f.push(bytes('abc\r'), 0)).toEqual([]);
    expect(f.deadlineMs()).toBe(T);
    const ev = f.expire(T);
    expect(ev).toHaveLength(1);
    expect(ev[0]).toMatchObject({ type: 'dropped', reason: 'bad_terminator' });
  });
});

describe('ScanFramer, no terminator', () => {
  it('silence ends the code', () => {
    const f = framer('none');
    expect(f.push(bytes('1345678'), 0)).toEqual([]);
    expect(f.push(bytes('90123456789'), 10)).toEqual([]);
    expect(f.deadlineMs()).toBe(10 + T);
    expect(f.expire(10 + T - 1)).toEqual([]); // not yet
    expect(f.expire(10 + T)).toEqual([{ type: 'code', code: WX }]);
    expect(f.deadlineMs()).toBeNull();
  });

  it('a gap before a chunk ends the previous code even when no timer fired', () => {
    const f = framer('none');
    f.push(bytes('abc'), 0);
    expect(f.push(bytes('def'), T + 5)).toEqual([{ type: 'code', code: 'abc' }]);
    expect(f.expire(2 * T + 5)).toEqual([{ type: 'code', code: 'def' }]);
  });

  it('a CR or LF that comes anyway also ends the code', () => {
    expect(codes(run(framer('none'), ['abc\r\ndef\nghi\r']))).toEqual(['abc', 'def', 'ghi']);
  });
});

describe('ScanFramer, noise', () => {
  it('drops a frame with a non-printable byte whole, naming the byte but never the content', () => {
    const ev = run(framer('CR'), [`\x02${WX}\x03\r`, 'ok\r']);
    expect(codes(ev)).toEqual(['ok']);
    const d = drops(ev);
    expect(d).toHaveLength(1);
    expect(d[0]).toMatchObject({ reason: 'non_printable', bytes: 20 });
    expect(d[0]!.detail).toContain('0x02');
    expect(d[0]!.detail).not.toContain('3456');
  });

  it('drops bytes ≥ 0x80 (not a scan gun code)', () => {
    const f = framer('CR');
    const ev = [...f.push(Uint8Array.from([0x31, 0xff, 0x32, 0x0d]), 0)];
    expect(codes(ev)).toEqual([]);
    expect(drops(ev)[0]!.detail).toContain('0xff');
  });

  it('takes a code of exactly the limit and drops a longer line once, at the moment it overflows', () => {
    const f = framer('CR', 8);
    expect(codes(f.push(bytes('12345678\r'), 0))).toEqual(['12345678']);
    const over = f.push(bytes('123456789'), 1);
    expect(over).toEqual([{ type: 'dropped', reason: 'overlong', bytes: 9, detail: expect.stringMatching(/longer than 8 bytes/) }]);
    // The rest of that line is discarded without more noise; the next line is whole.
    expect(f.push(bytes('0000000000000\x07\r'), 2)).toEqual([]);
    expect(codes(f.push(bytes('abc\r'), 3))).toEqual(['abc']);
  });

  it('the buffer is bounded: a megabyte without a terminator keeps at most MAX_CODE_BYTES', () => {
    const f = framer('CR');
    const big = new Uint8Array(1 << 20).fill(0x41);
    const ev = f.push(big, 0);
    expect(drops(ev)).toHaveLength(1);
    expect(drops(ev)[0]!.reason).toBe('overlong');
    expect(codes(f.push(bytes('\rok\r'), 1))).toEqual(['ok']);
    expect(MAX_CODE_BYTES).toBeGreaterThanOrEqual(24);
  });

  it('a partial code (no terminator in time) is dropped and never glued to the next one', () => {
    const f = framer('CR');
    expect(f.push(bytes('134567890'), 0)).toEqual([]);
    const ev = f.expire(T);
    expect(ev).toEqual([{ type: 'dropped', reason: 'partial', bytes: 9, detail: expect.stringMatching(/no terminator within 100 ms/) }]);
    expect(codes(f.push(bytes('123456789\r'), T + 1))).toEqual(['123456789']);
  });

  it('a partial code followed by a late chunk: the gap drops it even if no timer fired', () => {
    const f = framer('CR');
    f.push(bytes('1345678901'), 0);
    const ev = f.push(bytes('23456789\r'), 500);
    expect(codes(ev)).toEqual(['23456789']);
    expect(drops(ev)[0]!.reason).toBe('partial');
  });

  it('reset (device gone) drops what is pending', () => {
    const f = framer('CR');
    f.push(bytes('1345'), 0);
    expect(f.reset('device lost')).toEqual([{ type: 'dropped', reason: 'partial', bytes: 4, detail: 'partial code dropped: device lost' }]);
    expect(f.reset('again')).toEqual([]);
    expect(codes(f.push(bytes('abc\r'), 1))).toEqual(['abc']);
  });

  it('refuses nonsense options', () => {
    expect(() => new ScanFramer({ terminator: 'CR', interByteTimeoutMs: 0 })).toThrow(/interByteTimeoutMs/);
    expect(() => new ScanFramer({ terminator: 'CR', interByteTimeoutMs: 10, maxCodeBytes: 0 })).toThrow(/maxCodeBytes/);
  });
});

describe('DuplicateFilter', () => {
  it('counts the same code within the window once; after the window it is a new read', () => {
    const d = new DuplicateFilter(1000);
    expect(d.accept('A', 0)).toBe(true);
    expect(d.accept('A', 500)).toBe(false);
    expect(d.accept('B', 600)).toBe(true);
    expect(d.accept('A', 700)).toBe(false); // A B A inside the window: still one A
    expect(d.accept('A', 1700)).toBe(true); // 1000 ms after the last sighting
  });

  it('slides: a code re-read continuously (phone held to a fixed scanner) counts once', () => {
    const d = new DuplicateFilter(1000);
    let accepted = 0;
    for (let t = 0; t < 10_000; t += 300) if (d.accept('A', t)) accepted++;
    expect(accepted).toBe(1);
  });

  it('serves several scanners, each with its own window', () => {
    const d = new DuplicateFilter();
    expect(d.accept('A', 0, 200)).toBe(true); // the fixed scanner
    expect(d.accept('A', 100, 1000)).toBe(false); // the gun, same phone
    expect(d.accept('A', 400, 200)).toBe(true); // 300 ms after the last sighting, window 200
  });

  it('window 0 turns it off', () => {
    const d = new DuplicateFilter(0);
    expect(d.accept('A', 0)).toBe(true);
    expect(d.accept('A', 0)).toBe(true);
  });

  it('remembers at most MAX_RECENT_CODES codes', () => {
    const d = new DuplicateFilter(60_000);
    for (let i = 0; i <= MAX_RECENT_CODES; i++) expect(d.accept(`C${i}`, i)).toBe(true);
    // C0 was the oldest and was forgotten when the limit was passed.
    expect(d.accept('C0', 100)).toBe(true);
    expect(d.accept(`C${MAX_RECENT_CODES}`, 101)).toBe(false);
  });
});
