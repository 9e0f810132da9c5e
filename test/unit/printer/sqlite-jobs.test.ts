// The durable print-job store (journal table print_jobs) behind the real PrinterService, on a real
// SQLite file: a failed job survives a restart and prints on retry; reprints find the original.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Journal } from '../../../electron/journal/journal.js';
import { SqlitePrintJobStore } from '../../../electron/printer/sqlite-jobs.js';
import { PrinterService } from '../../../electron/printer/service.js';
import { parsePrinterConfig } from '../../../electron/printer/config.js';
import { decodeToPrinted } from '../../../electron/printer/decode.js';
import { PrintJobStateError } from '../../../electron/printer/jobs.js';
import { cashReceipt, receiptDoc, WEIXIN_CODE } from '../../fixtures/printer/docs.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'pos-pjobs-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const open = () => Journal.open({ path: join(dir, 'journal.db'), terminalId: 'T01', journalId: 'prnt0001' });
const fileConfig = (path: string) => {
  const c = parsePrinterConfig({ transport: { type: 'file', path }, paper: '58mm' });
  if (!c.ok) throw new Error('config');
  return c.config;
};

describe('SqlitePrintJobStore', () => {
  it('a job that failed survives a restart and prints on retry; the journal keeps the payer masked', async () => {
    let journal = open();
    let svc = new PrinterService({ store: new SqlitePrintJobStore(journal.db), config: fileConfig(join(dir, 'missing', 'lp0')) });
    const out = await svc.print(receiptDoc());
    expect(out).toMatchObject({ ok: false, code: 'connect_refused', jobId: 1 });
    const raw = journal.db.prepare('SELECT doc, state, error_code FROM print_jobs WHERE id = 1').get() as { doc: string; state: string; error_code: string };
    expect(raw).toMatchObject({ state: 'failed', error_code: 'connect_refused' });
    expect(raw.doc).not.toContain(WEIXIN_CODE);
    expect(raw.doc).toContain('1345**********6789');
    journal.close();

    journal = open();
    const path = join(dir, 'lp0');
    svc = new PrinterService({ store: new SqlitePrintJobStore(journal.db), config: fileConfig(path) });
    expect(await svc.retryFailed()).toMatchObject([{ ok: true, jobId: 1 }]);
    expect(decodeToPrinted(readFileSync(path)).text).toContain('1345**********6789');
    expect(new SqlitePrintJobStore(journal.db).get(1)).toMatchObject({ state: 'printed', attempts: 2, errorCode: null });
    journal.close();
  });

  it('an attempt interrupted by a crash becomes failed (retryable) at start', async () => {
    const journal = open();
    const store = new SqlitePrintJobStore(journal.db);
    const j = store.create({ kind: 'receipt', ref: 'P1', doc: receiptDoc(), paper: '80mm', reprintOf: null, at: 't' });
    store.startAttempt(j.id, 't');
    const svc = new PrinterService({ store, config: fileConfig(join(dir, 'lp0')) });
    expect(svc.recoverInterrupted()).toBe(1);
    expect(store.get(j.id)).toMatchObject({ state: 'failed', errorCode: 'interrupted' });
    journal.close();
  });

  it('reprint finds the newest original of a receipt; refuses moves the lifecycle forbids', async () => {
    const journal = open();
    const store = new SqlitePrintJobStore(journal.db);
    const path = join(dir, 'lp0');
    const svc = new PrinterService({ store, config: fileConfig(path) });
    await svc.print(receiptDoc(cashReceipt));
    const re = await svc.reprint(cashReceipt.outTradeNo);
    expect(re).toMatchObject({ ok: true, jobId: 2 });
    expect(store.latestOriginal('receipt', cashReceipt.outTradeNo)?.id).toBe(1);
    expect(store.list({ ref: cashReceipt.outTradeNo, limit: 10 }).map((j) => [j.id, j.reprintOf])).toEqual([[2, 1], [1, null]]);
    expect(() => store.startAttempt(1, 't')).toThrow(PrintJobStateError);
    expect(store.list({ states: [], limit: 5 })).toEqual([]);
    journal.close();
  });
});
