// Fuzzing the framer: random byte streams, cut into random chunks at random times, under every
// terminator. It never throws and never emits a malformed code; well-formed streams come out whole.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ScanFramer, type FrameEvent, type Terminator } from '../../../electron/scanner/framing.js';

const TERMINATORS: Terminator[] = ['CR', 'LF', 'CRLF', 'none'];
const TIMEOUT_MS = 50;
const MAX = 32; // a small limit so overlong lines are common in the fuzz

/** Bytes biased towards what a serial line carries: digits, CR, LF, control bytes, high bytes. */
const byteArb = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0x30, max: 0x39 }) },
  { weight: 2, arbitrary: fc.constantFrom(0x0d, 0x0a) },
  { weight: 2, arbitrary: fc.integer({ min: 0, max: 255 }) },
);
/** A chunk and the gap before it (0 ms … well past the timeout). */
const chunkArb = fc.record({
  bytes: fc.uint8Array({ minLength: 0, maxLength: 48 }).chain((u) => (u.length ? fc.constant(u) : fc.array(byteArb, { maxLength: 48 }).map((a) => Uint8Array.from(a)))),
  gapMs: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: TIMEOUT_MS * 3 })),
  timerFires: fc.boolean(),
});

const WELL_FORMED = /^[\x20-\x7e]+$/;

function drive(terminator: Terminator, chunks: { bytes: Uint8Array; gapMs: number; timerFires: boolean }[]): FrameEvent[] {
  const f = new ScanFramer({ terminator, interByteTimeoutMs: TIMEOUT_MS, maxCodeBytes: MAX });
  const out: FrameEvent[] = [];
  let t = 0;
  for (const c of chunks) {
    // The reader's timer fires at the deadline (when it is armed and the gap reaches it).
    const deadline = f.deadlineMs();
    if (c.timerFires && deadline !== null && t + c.gapMs >= deadline) out.push(...f.expire(deadline));
    t += c.gapMs;
    out.push(...f.push(c.bytes, t));
  }
  const deadline = f.deadlineMs();
  if (deadline !== null) out.push(...f.expire(deadline));
  expect(f.pending()).toBe(false);
  return out;
}

describe('ScanFramer fuzz', () => {
  it('never throws and never emits a malformed code (printable ASCII, 1..MAX bytes)', () => {
    fc.assert(
      fc.property(fc.constantFrom(...TERMINATORS), fc.array(chunkArb, { maxLength: 40 }), (terminator, chunks) => {
        const events = drive(terminator, chunks);
        for (const e of events) {
          if (e.type === 'code') {
            expect(e.code).toMatch(WELL_FORMED);
            expect(e.code.length).toBeLessThanOrEqual(MAX);
          } else {
            expect(['non_printable', 'overlong', 'partial', 'bad_terminator']).toContain(e.reason);
            expect(e.bytes).toBeGreaterThanOrEqual(0);
          }
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('every code is a contiguous run of the input: never stitched from pieces around noise', () => {
    fc.assert(
      fc.property(fc.constantFrom(...TERMINATORS), fc.array(chunkArb, { maxLength: 30 }), (terminator, chunks) => {
        const all = new TextDecoder('latin1').decode(Uint8Array.from(chunks.flatMap((c) => [...c.bytes])));
        for (const e of drive(terminator, chunks)) {
          if (e.type === 'code') expect(all).toContain(e.code); // never stitched from pieces around noise
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('well-formed streams, cut anywhere, come out exactly: every code, in order, once', () => {
    const codeArb = fc.stringMatching(/^[\x20-\x7e]{1,32}$/);
    fc.assert(
      fc.property(fc.constantFrom(...TERMINATORS), fc.array(codeArb, { minLength: 1, maxLength: 12 }), fc.array(fc.integer({ min: 1, max: 10 }), { minLength: 1, maxLength: 20 }), (terminator, list, cuts) => {
        const f = new ScanFramer({ terminator, interByteTimeoutMs: TIMEOUT_MS, maxCodeBytes: MAX });
        const suffix = { CR: '\r', LF: '\n', CRLF: '\r\n', none: '' }[terminator];
        const out: string[] = [];
        let t = 0;
        for (const code of list) {
          const bytes = Uint8Array.from(code + suffix, (c) => c.charCodeAt(0));
          // Cut the code into chunks of the given sizes, 1 ms apart (well inside the timeout).
          let i = 0;
          let k = 0;
          while (i < bytes.length) {
            const n = cuts[k++ % cuts.length]!;
            for (const e of f.push(bytes.subarray(i, i + n), t++)) if (e.type === 'code') out.push(e.code);
            i += n;
          }
          if (terminator === 'none') {
            t += TIMEOUT_MS; // silence between codes is what ends them
            for (const e of f.expire(t)) if (e.type === 'code') out.push(e.code);
          }
        }
        expect(out).toEqual(list);
      }),
      { numRuns: 1000 },
    );
  });
});
