// A network printer on TCP 9100, end to end: the service journals, renders, connects over real
// TCP to a fake printer on 127.0.0.1 that records the bytes and answers DLE EOT like a printer.
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { parsePrinterConfig, type PrinterConfigInput } from '../../../electron/printer/config.js';
import { decodeToPrinted } from '../../../electron/printer/decode.js';
import { MemoryPrintJobStore } from '../../../electron/printer/jobs.js';
import { PrinterService, printOutcomeError } from '../../../electron/printer/service.js';
import { startFakeTcpPrinter, type FakeTcpPrinter } from '../../fixtures/printer/fake-printer.js';
import { cashReceipt, receiptDoc, refundDoc, reportDoc, WEIXIN_CODE } from '../../fixtures/printer/docs.js';

let printer: FakeTcpPrinter | null = null;
afterEach(async () => {
  await printer?.close();
  printer = null;
});

function service(port: number, extra: Partial<PrinterConfigInput> = {}, now?: () => Date) {
  const parsed = parsePrinterConfig({ transport: { type: 'tcp', host: '127.0.0.1', port }, paper: '80mm', timeZone: 'Asia/Shanghai', statusTimeoutMs: 300, ...extra });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  const store = new MemoryPrintJobStore();
  const log: string[] = [];
  return { svc: new PrinterService({ store, config: parsed.config, log: (l) => log.push(l), now }), store, log };
}

/** A port on 127.0.0.1 with nothing listening: bind, note, close. */
async function deadPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

describe('TCP 9100 printer', () => {
  it('prints a receipt: the printer receives exactly the receipt, after a status check', async () => {
    printer = await startFakeTcpPrinter();
    const { svc, store, log } = service(printer.port);
    const out = await svc.print(receiptDoc());
    expect(out).toMatchObject({ ok: true, jobId: 1, status: { answered: true, online: true, paperOut: false } });
    expect(printer.statusRequests).toEqual([1, 2, 4]);
    const jobs = printer.jobs();
    expect(jobs.length).toBe(1);
    const p = decodeToPrinted(jobs[0]!);
    expect(p.problems).toEqual([]);
    expect(p.text).toContain('好邻居便利店（中关村店）');
    expect(p.text).toMatch(/合计 +21\.00/);
    expect(p.text).toContain('1345**********6789');
    expect(p.cuts).toBe(1);
    expect(out.ok && out.bytes).toBe(jobs[0]!.length);
    expect(store.get(1)).toMatchObject({ state: 'printed', attempts: 1, kind: 'receipt', ref: 'P20261124133015T001A0001' });
    // Neither the journal nor the log holds the whole payment code.
    expect(JSON.stringify(store.get(1))).not.toContain(WEIXIN_CODE);
    expect(log.join('\n')).not.toContain(WEIXIN_CODE);
  });

  it('status: online, then paper out, as the printer reports it', async () => {
    printer = await startFakeTcpPrinter();
    const { svc } = service(printer.port);
    expect(await svc.status()).toEqual({ configured: true, online: true, paperOut: false, reason: null });
    printer.condition = { answersStatus: true, paperNearEnd: true };
    expect(await svc.status()).toEqual({ configured: true, online: true, paperOut: false, reason: 'paper near its end' });
    printer.condition = { answersStatus: true, paperOut: true };
    expect(await svc.status()).toMatchObject({ configured: true, online: false, paperOut: true, reason: expect.stringContaining('out of paper') });
  });

  it('out of paper: nothing is sent, the job fails retryable, and prints on retry once paper is in', async () => {
    printer = await startFakeTcpPrinter({ answersStatus: true, paperOut: true });
    const { svc, store } = service(printer.port);
    const out = await svc.print(receiptDoc(cashReceipt));
    expect(out).toMatchObject({ ok: false, jobId: 1, code: 'paper_out', retryable: true });
    expect(printer.jobs()).toEqual([]);
    expect(store.get(1)).toMatchObject({ state: 'failed', errorCode: 'paper_out', attempts: 1 });
    printer.condition = { answersStatus: true };
    const again = await svc.retry(1);
    expect(again).toMatchObject({ ok: true, jobId: 1 });
    expect(store.get(1)).toMatchObject({ state: 'printed', attempts: 2 });
    // Retried at once: the cash drawer still opens (it never did on the failed attempt).
    expect(decodeToPrinted(printer.jobs()[0]!).drawerKicks.length).toBe(1);
    expect(await svc.retry(1)).toMatchObject({ ok: false, code: 'not_retryable' });
  });

  it('a printer that does not answer: a clear error naming the printer and the limit; the job stays retryable', async () => {
    printer = await startFakeTcpPrinter({ answersStatus: false });
    const { svc, store } = service(printer.port);
    const out = await svc.print(reportDoc());
    expect(out.ok).toBe(false);
    if (out.ok) return;
    expect(out.code).toBe('not_answering');
    expect(out.retryable).toBe(true);
    expect(out.message).toBe(`tcp 127.0.0.1:${printer.port}: the printer did not answer the status request within 300 ms; check power and cable, then retry`);
    expect(printer.jobs()).toEqual([]);
    expect(store.get(out.jobId!)).toMatchObject({ state: 'failed', errorCode: 'not_answering' });
    expect(printOutcomeError(out).toIpc()).toEqual({ code: 'unavailable', message: `${out.message} (print job ${out.jobId})` });
    expect(await svc.status()).toMatchObject({ configured: true, online: false, paperOut: null, reason: expect.stringContaining('did not answer') });
    printer.condition = { answersStatus: true };
    expect(await svc.retryFailed()).toMatchObject([{ ok: true, jobId: out.jobId }]);
    expect(decodeToPrinted(printer.jobs()[0]!).text).toContain('交班报表（Z）');
  });

  it('statusCheck optional: a printer without status support still prints', async () => {
    printer = await startFakeTcpPrinter({ answersStatus: false });
    const { svc } = service(printer.port, { statusCheck: 'optional' });
    expect(await svc.print(refundDoc())).toMatchObject({ ok: true, status: { answered: false } });
    expect(decodeToPrinted(printer.jobs()[0]!).text).toContain('退款单');
  });

  it('nothing listening: connect_refused, journaled, retryable', async () => {
    const port = await deadPort();
    const { svc, store } = service(port);
    const out = await svc.print(receiptDoc());
    expect(out).toMatchObject({ ok: false, code: 'connect_refused', retryable: true, message: `tcp 127.0.0.1:${port}: connection refused (is the printer on and is this its address?)` });
    expect(store.get(1)).toMatchObject({ state: 'failed', errorCode: 'connect_refused' });
    expect(await svc.status()).toMatchObject({ configured: true, online: false, reason: expect.stringContaining('connection refused') });
  });

  it('reprint from history: a copy marked 重印, no drawer kick, linked to the original', async () => {
    printer = await startFakeTcpPrinter();
    const { svc, store } = service(printer.port);
    expect(await svc.print(receiptDoc(cashReceipt))).toMatchObject({ ok: true, jobId: 1 });
    const re = await svc.reprint(cashReceipt.outTradeNo);
    expect(re).toMatchObject({ ok: true, jobId: 2 });
    expect(store.get(2)).toMatchObject({ reprintOf: 1, ref: cashReceipt.outTradeNo, state: 'printed' });
    const [first, copy] = printer.jobs().map((b) => decodeToPrinted(b));
    expect(first!.drawerKicks.length).toBe(1);
    expect(copy!.drawerKicks).toEqual([]);
    expect(copy!.text).toContain('** 重印 **');
    expect(await svc.reprint('P_NOT_THERE')).toMatchObject({ ok: false, code: 'not_found', retryable: false });
  });

  it('a cash receipt retried after DRAWER_RETRY_WINDOW_MS prints without opening the drawer', async () => {
    printer = await startFakeTcpPrinter({ answersStatus: false });
    let nowMs = Date.parse('2026-11-24T05:00:00Z');
    const { svc } = service(printer.port, {}, () => new Date(nowMs));
    expect(await svc.print(receiptDoc(cashReceipt))).toMatchObject({ ok: false, code: 'not_answering' });
    printer.condition = { answersStatus: true };
    nowMs += 10 * 60_000;
    expect(await svc.retry(1)).toMatchObject({ ok: true });
    expect(decodeToPrinted(printer.jobs()[0]!).drawerKicks).toEqual([]);
  });

  it('jobs sent together print one after another, each whole, on its own connection', async () => {
    printer = await startFakeTcpPrinter();
    const { svc } = service(printer.port);
    const refs = ['P_A1', 'P_A2', 'P_A3', 'P_A4', 'P_A5'];
    const outs = await Promise.all(refs.map((r) => svc.print(receiptDoc({ ...cashReceipt, channel: 'alipay', outTradeNo: r }))));
    expect(outs.every((o) => o.ok)).toBe(true);
    expect(printer.connections).toBe(5);
    const printed = printer.jobs().map((b) => decodeToPrinted(b));
    expect(printed.map((p) => p.qrCodes[0])).toEqual(refs);
    for (const p of printed) expect(p.problems).toEqual([]);
  });

  it('no printer configured: the job is journaled and waits', async () => {
    const store = new MemoryPrintJobStore();
    const svc = new PrinterService({ store });
    expect(await svc.status()).toEqual({ configured: false, online: false, paperOut: null, reason: 'no printer configured' });
    expect(await svc.print(receiptDoc())).toMatchObject({ ok: false, code: 'not_configured', retryable: true, jobId: 1 });
    printer = await startFakeTcpPrinter();
    const cfg = parsePrinterConfig({ transport: { type: 'tcp', host: '127.0.0.1', port: printer.port } });
    if (!cfg.ok) throw new Error('config');
    svc.configure(cfg.config);
    expect(await svc.retryFailed()).toMatchObject([{ ok: true, jobId: 1 }]);
  });

  it('an invalid document is refused before the journal, with the field', async () => {
    printer = await startFakeTcpPrinter();
    const { svc, store } = service(printer.port);
    const out = await svc.print({ kind: 'receipt', receipt: { ...cashReceipt, amountFen: 0 } });
    expect(out).toMatchObject({ ok: false, jobId: null, code: 'invalid_document', retryable: false, message: 'document refused: receipt.amountFen: must be at least 0.01 yuan' });
    expect(store.list({ limit: 10 })).toEqual([]);
    expect(printer.connections).toBe(0);
  });
});

describe('printer config', () => {
  it('refuses bad settings field by field', () => {
    const r = parsePrinterConfig({ transport: { type: 'tcp', host: '', port: 70000 }, paper: '76mm', drawer: { pin: 3, onMs: 1000, offMs: 10 } });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const paths = r.issues.map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['transport.host', 'transport.port', 'paper', 'drawer.pin', 'drawer.onMs']));
    expect(r.issues.find((i) => i.path === 'transport.port')?.message).toBe('must be 1–65535');
  });
  it('defaults: port 9100, 80 mm, status required, Epson drawer pulse', () => {
    const r = parsePrinterConfig({ transport: { type: 'tcp', host: '10.0.0.5' } });
    expect(r.ok && r.config).toMatchObject({ transport: { port: 9100 }, paper: '80mm', statusCheck: 'required', drawer: { pin: 2, onMs: 100, offMs: 500 }, locale: 'zh-CN' });
  });
});
