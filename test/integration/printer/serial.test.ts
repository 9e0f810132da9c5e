// A serial printer end to end over a real pty pair (socat): the service opens one end with
// serialport, a fake printer on the other end records the bytes and answers DLE EOT.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parsePrinterConfig } from '../../../electron/printer/config.js';
import { decodeToPrinted } from '../../../electron/printer/decode.js';
import { MemoryPrintJobStore } from '../../../electron/printer/jobs.js';
import { PrinterService } from '../../../electron/printer/service.js';
import { startFakeSerialPrinter, startPtyPair, waitFor, type FakeSerialPrinter, type PtyPair } from '../../fixtures/printer/fake-printer.js';
import { cashReceipt, receiptDoc, reportDoc } from '../../fixtures/printer/docs.js';
import { PAPER_COLUMNS } from '../../../electron/printer/layout.js';

let pty: PtyPair;
let printer: FakeSerialPrinter | null = null;
beforeEach(async () => {
  pty = await startPtyPair();
});
afterEach(async () => {
  await printer?.close();
  printer = null;
  await pty.stop();
});

function service(path: string, paper: '58mm' | '80mm' = '58mm') {
  const parsed = parsePrinterConfig({ transport: { type: 'serial', path, baudRate: 115200 }, paper, timeZone: 'Asia/Shanghai', statusTimeoutMs: 300 });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  const store = new MemoryPrintJobStore();
  return { svc: new PrinterService({ store, config: parsed.config }), store };
}

describe('serial printer on a pty', () => {
  it('prints a Z report on 58 mm paper: the bytes arrive whole and decode to the report', async () => {
    printer = await startFakeSerialPrinter(pty.printerPath);
    const { svc, store } = service(pty.appPath);
    const out = await svc.print(reportDoc());
    expect(out).toMatchObject({ ok: true });
    const len = out.ok ? out.bytes : 0;
    await waitFor(() => printer!.received().length >= len, 5_000, 'the report bytes at the printer end');
    expect(printer.received().length).toBe(len);
    expect(printer.statusRequests).toEqual([1, 2, 4]);
    const p = decodeToPrinted(printer.received());
    expect(p.problems).toEqual([]);
    expect(p.text).toContain('交班报表（Z）');
    expect(p.text).toMatch(/合计净额 +7232\.29/);
    for (const l of p.lines) expect(l.columns).toBeLessThanOrEqual(PAPER_COLUMNS['58mm']);
    expect(store.get(1)).toMatchObject({ state: 'printed' });
  });

  it('a cash receipt opens the drawer through the printer', async () => {
    printer = await startFakeSerialPrinter(pty.printerPath);
    const { svc } = service(pty.appPath, '80mm');
    const out = await svc.print(receiptDoc(cashReceipt));
    expect(out.ok).toBe(true);
    await waitFor(() => decodeToPrinted(printer!.received()).cuts === 1, 5_000, 'the whole receipt');
    expect(decodeToPrinted(printer.received()).drawerKicks).toEqual([{ pin: 2, onMs: 100, offMs: 500 }]);
  });

  it('reports paper out over the serial line', async () => {
    printer = await startFakeSerialPrinter(pty.printerPath, { answersStatus: true, paperOut: true });
    const { svc } = service(pty.appPath);
    expect(await svc.status()).toMatchObject({ configured: true, online: false, paperOut: true });
    expect(await svc.print(receiptDoc())).toMatchObject({ ok: false, code: 'paper_out', retryable: true });
  });

  it('nobody at the other end: not_answering, the job stays retryable and prints once the printer is there', async () => {
    const { svc, store } = service(pty.appPath);
    const out = await svc.print(receiptDoc());
    expect(out).toMatchObject({ ok: false, code: 'not_answering', retryable: true });
    expect(out.ok === false && out.message).toBe(`serial ${pty.appPath} @115200: the printer did not answer the status request within 300 ms; check power and cable, then retry`);
    expect(store.get(1)).toMatchObject({ state: 'failed' });
    // The status requests the silent end never read must not leak into the next job.
    printer = await startFakeSerialPrinter(pty.printerPath);
    printer.statusRequests.length = 0;
    await new Promise((r) => setTimeout(r, 100));
    const start = printer.received().length;
    expect(await svc.retry(1)).toMatchObject({ ok: true });
    await waitFor(() => decodeToPrinted(printer!.received().subarray(start)).cuts === 1, 5_000, 'the retried receipt');
    expect(decodeToPrinted(printer.received().subarray(start)).text).toContain('销售小票');
  });

  it('a port that does not exist: connect_refused naming the path', async () => {
    const { svc } = service('/dev/pts/does-not-exist');
    const out = await svc.print(receiptDoc());
    expect(out).toMatchObject({ ok: false, code: 'connect_refused', retryable: true });
    expect(out.ok === false && out.message).toContain('serial /dev/pts/does-not-exist @115200: cannot open');
  });
});
