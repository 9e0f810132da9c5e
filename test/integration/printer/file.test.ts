// File transport: jobs appended to a real file in a temp dir (the way a USB printer's
// /dev/usb/lp0 or a spool file is written).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parsePrinterConfig } from '../../../electron/printer/config.js';
import { decodeEscPos, decodeToPrinted } from '../../../electron/printer/decode.js';
import { MemoryPrintJobStore } from '../../../electron/printer/jobs.js';
import { PrinterService } from '../../../electron/printer/service.js';
import { receiptDoc, refundDoc } from '../../fixtures/printer/docs.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'pos-printer-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function service(path: string) {
  const parsed = parsePrinterConfig({ transport: { type: 'file', path }, paper: '58mm', timeZone: 'Asia/Shanghai' });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  const store = new MemoryPrintJobStore();
  return { svc: new PrinterService({ store, config: parsed.config }), store };
}

describe('file printer', () => {
  it('appends each job whole; two jobs decode to a receipt then a refund slip', async () => {
    const path = join(dir, 'lp0');
    const { svc, store } = service(path);
    expect(await svc.print(receiptDoc())).toMatchObject({ ok: true, status: null });
    expect(await svc.print(refundDoc())).toMatchObject({ ok: true });
    const bytes = readFileSync(path);
    const inits = decodeEscPos(bytes).filter((c) => c.op === 'init').length;
    expect(inits).toBe(2);
    const p = decodeToPrinted(bytes);
    expect(p.problems).toEqual([]);
    expect(p.cuts).toBe(2);
    expect(p.text.indexOf('销售小票')).toBeLessThan(p.text.indexOf('退款单'));
    expect(store.list({ limit: 10 }).map((j) => j.state)).toEqual(['printed', 'printed']);
  });

  it('says plainly that a file reports no status', async () => {
    const { svc } = service(join(dir, 'lp0'));
    expect(await svc.status()).toEqual({ configured: true, online: true, paperOut: null, reason: `file ${join(dir, 'lp0')}: this connection does not report printer status` });
  });

  it('a missing directory: connect_refused, job kept for retry', async () => {
    const { svc, store } = service(join(dir, 'no', 'such', 'lp0'));
    expect(await svc.print(receiptDoc())).toMatchObject({ ok: false, code: 'connect_refused', retryable: true });
    expect(store.get(1)).toMatchObject({ state: 'failed' });
    expect(await svc.status()).toMatchObject({ online: false, reason: expect.stringContaining('cannot open: ENOENT') });
  });
});
