import { describe, expect, it } from 'vitest';
import { isStatusByte, queryStatus, type StatusLink } from '../../../electron/printer/status.js';
import { MemoryPrintJobStore, PrintJobStateError } from '../../../electron/printer/jobs.js';
import { statusReplyFor, type PrinterCondition } from '../../fixtures/printer/fake-printer.js';
import { receiptDoc } from '../../fixtures/printer/docs.js';

/** A link that answers like a printer in `cond` (the byte protocol, not our module, is faked). */
function linkFor(cond: PrinterCondition): StatusLink & { asked: number[] } {
  const asked: number[] = [];
  return {
    asked,
    request: async (bytes) => {
      expect([bytes[0], bytes[1]]).toEqual([0x10, 0x04]);
      asked.push(bytes[2]!);
      return cond.answersStatus ? Uint8Array.of(statusReplyFor(bytes[2]!, cond)) : null;
    },
  };
}

describe('DLE EOT status', () => {
  it('a ready printer', async () => {
    const s = await queryStatus(linkFor({ answersStatus: true }));
    expect(s).toMatchObject({ answered: true, online: true, paperOut: false, paperNearEnd: false, coverOpen: false, error: false });
  });
  it('paper out: offline, paper end on both sensors', async () => {
    const link = linkFor({ answersStatus: true, paperOut: true });
    expect(await queryStatus(link)).toMatchObject({ answered: true, online: false, paperOut: true, paperNearEnd: true });
    expect(link.asked).toEqual([1, 2, 4]);
  });
  it('paper near end is not paper out', async () => {
    expect(await queryStatus(linkFor({ answersStatus: true, paperNearEnd: true }))).toMatchObject({ online: true, paperOut: false, paperNearEnd: true });
  });
  it('cover open', async () => {
    expect(await queryStatus(linkFor({ answersStatus: true, coverOpen: true }))).toMatchObject({ online: false, coverOpen: true, paperOut: false });
  });
  it('no answer: unknown, and it stops asking after the first silence', async () => {
    const link = linkFor({ answersStatus: false });
    expect(await queryStatus(link)).toMatchObject({ answered: false, online: null, paperOut: null });
    expect(link.asked).toEqual([1]);
  });
  it('a byte without the fixed bits is not an answer', async () => {
    expect(isStatusByte(0x12)).toBe(true);
    expect(isStatusByte(0x00)).toBe(false);
    expect(isStatusByte(0xff)).toBe(false);
    const s = await queryStatus({ request: async () => Uint8Array.of(0x41) });
    expect(s.answered).toBe(false);
  });
});

describe('MemoryPrintJobStore', () => {
  const at = '2026-11-24T00:00:00.000Z';
  it('moves queued → printing → failed → printing → printed, counting attempts', () => {
    const s = new MemoryPrintJobStore();
    const j = s.create({ kind: 'receipt', ref: 'P1', doc: receiptDoc(), paper: '80mm', reprintOf: null, at });
    expect(j).toMatchObject({ id: 1, state: 'queued', attempts: 0 });
    s.startAttempt(j.id, at);
    s.markFailed(j.id, 'paper_out', 'out of paper', at);
    expect(s.get(j.id)).toMatchObject({ state: 'failed', attempts: 1, errorCode: 'paper_out' });
    s.startAttempt(j.id, at);
    s.markPrinted(j.id, at);
    expect(s.get(j.id)).toMatchObject({ state: 'printed', attempts: 2, errorCode: null, printedAt: at });
  });
  it('refuses moves the lifecycle does not allow', () => {
    const s = new MemoryPrintJobStore();
    const j = s.create({ kind: 'receipt', ref: 'P1', doc: receiptDoc(), paper: '80mm', reprintOf: null, at });
    expect(() => s.markPrinted(j.id, at)).toThrow(PrintJobStateError);
    s.startAttempt(j.id, at);
    s.markPrinted(j.id, at);
    expect(() => s.startAttempt(j.id, at)).toThrow('cannot go from printed to printing');
  });
  it('latestOriginal skips reprints; list filters by state, newest first', () => {
    const s = new MemoryPrintJobStore();
    const a = s.create({ kind: 'receipt', ref: 'P1', doc: receiptDoc(), paper: '80mm', reprintOf: null, at });
    s.create({ kind: 'receipt', ref: 'P1', doc: receiptDoc(), paper: '80mm', reprintOf: a.id, at });
    expect(s.latestOriginal('receipt', 'P1')?.id).toBe(a.id);
    expect(s.latestOriginal('refund', 'P1')).toBeNull();
    expect(s.list({ states: ['queued'], limit: 10 }).map((j) => j.id)).toEqual([2, 1]);
  });
});
