// PrinterService: journal the document, render it, send it, record the outcome.
//
// Outcomes are data (PrintOutcome), never exceptions: the checkout must not fail a paid sale
// because the printer is out of paper. A job is journaled before the first byte leaves, so a
// failure leaves a `failed` job that retry() sends again, and reprint() prints any receipt or
// refund slip again from the journal. Jobs run one at a time (a network printer serves one
// connection, a serial port has one owner) through a bounded queue.
import { PosError } from '../../shared/ipc/errors.js';
import type { PrinterStatus } from '../../shared/ipc/contract.js';
import { transportFor, type PrinterConfig } from './config.js';
import { docRef, normalizeDoc, renderDoc, type DocIssue, type PrintDoc, type PrintDocKind } from './documents.js';
import { EscPosError } from './escpos.js';
import type { PrintJobRecord, PrintJobStore } from './jobs.js';
import { queryStatus, type RawStatus } from './status.js';
import { TransportError, type PrinterLink, type PrinterTransport, type TransportErrorCode } from './transport.js';

/** Jobs waiting for the printer beyond this are refused as `busy` (journaled, retryable). */
export const MAX_QUEUED_PRINT_JOBS = 20;
/**
 * A retried cash receipt kicks the drawer only this soon after the sale: the first attempt failed
 * before the drawer opened, and the cashier still stands there. Later it is a plain copy.
 */
export const DRAWER_RETRY_WINDOW_MS = 2 * 60_000;
/** retryFailed() takes at most this many jobs per call. */
export const MAX_RETRY_BATCH = 50;

export type PrintFailCode =
  | 'not_configured'
  | 'invalid_document'
  | 'busy'
  | 'not_found'
  | 'not_retryable'
  | 'not_answering' // no answer to DLE EOT (statusCheck: required)
  | 'paper_out'
  | 'cover_open'
  | 'offline'
  | 'printer_error'
  | 'interrupted' // the app stopped during the attempt: it may or may not have printed
  | TransportErrorCode;

export type PrintOutcome =
  | { ok: true; jobId: number; bytes: number; status: RawStatus | null }
  | { ok: false; jobId: number | null; code: PrintFailCode; message: string; retryable: boolean; issues?: DocIssue[] };

export interface PrinterServiceOptions {
  store: PrintJobStore;
  config?: PrinterConfig | null;
  now?: () => Date;
  log?: (line: string) => void;
  /**
   * Builds the receipt of an order that has no print job yet (e.g. journaled while no printer was
   * configured): reprint() falls back to it. Phase 2 wires it to the journal's sales.
   */
  receiptFor?: (outTradeNo: string) => PrintDoc | null;
  /** The same for the slip of a refund (out_refund_no) made before any slip job existed. */
  refundSlipFor?: (outRefundNo: string) => PrintDoc | null;
}

class Failure extends Error {
  constructor(
    readonly code: PrintFailCode,
    message: string,
  ) {
    super(message);
  }
}

export class PrinterService {
  private cfg: PrinterConfig | null;
  private transport: PrinterTransport | null;
  private readonly store: PrintJobStore;
  private readonly now: () => Date;
  private readonly log: (line: string) => void;
  private readonly receiptFor: ((outTradeNo: string) => PrintDoc | null) | null;
  private readonly refundSlipFor: ((outRefundNo: string) => PrintDoc | null) | null;
  private tail: Promise<unknown> = Promise.resolve();
  private queued = 0;

  constructor(o: PrinterServiceOptions) {
    this.store = o.store;
    this.now = o.now ?? (() => new Date());
    this.log = o.log ?? (() => undefined);
    this.receiptFor = o.receiptFor ?? null;
    this.refundSlipFor = o.refundSlipFor ?? null;
    this.cfg = o.config ?? null;
    this.transport = this.cfg ? transportFor(this.cfg) : null;
  }

  /** Applies new settings (already validated by parsePrinterConfig); null = no printer. */
  configure(config: PrinterConfig | null): void {
    this.cfg = config;
    this.transport = config ? transportFor(config) : null;
  }

  get config(): PrinterConfig | null {
    return this.cfg;
  }

  /** Runs `fn` after every earlier job; null when the queue is full. */
  private enqueue<T>(fn: () => Promise<T>): Promise<T> | null {
    if (this.queued >= MAX_QUEUED_PRINT_JOBS) return null;
    this.queued++;
    const run = this.tail.then(fn, fn).finally(() => {
      this.queued--;
    });
    this.tail = run.catch(() => undefined);
    return run;
  }

  /** Resolves when every queued job has run. */
  async idle(): Promise<void> {
    while (this.queued > 0) await this.tail;
  }

  // ---------- status ----------
  async status(): Promise<PrinterStatus> {
    const cfg = this.cfg;
    const transport = this.transport;
    if (!cfg || !transport) return { configured: false, online: false, paperOut: null, reason: 'no printer configured' };
    const run = this.enqueue(async (): Promise<PrinterStatus> => {
      let link: PrinterLink | null = null;
      try {
        link = await transport.open();
        if (!transport.reportsStatus) {
          return { configured: true, online: true, paperOut: null, reason: `${transport.target}: this connection does not report printer status` };
        }
        if (cfg.statusCheck === 'off') {
          return { configured: true, online: true, paperOut: null, reason: `${transport.target}: status check is off` };
        }
        const raw = await queryStatus(link, cfg.statusTimeoutMs);
        if (!raw.answered) {
          const reason = `${transport.target}: the printer did not answer the status request within ${cfg.statusTimeoutMs} ms`;
          // Connected but silent: with a required check that is as good as absent.
          return { configured: true, online: cfg.statusCheck !== 'required', paperOut: null, reason };
        }
        const problem = statusProblem(raw);
        return {
          configured: true,
          online: problem === null,
          paperOut: raw.paperOut,
          reason: problem ? problem.message : raw.paperNearEnd ? 'paper near its end' : null,
        };
      } catch (e) {
        return { configured: true, online: false, paperOut: null, reason: e instanceof Error ? e.message : String(e) };
      } finally {
        await link?.close();
      }
    });
    return run ?? { configured: true, online: false, paperOut: null, reason: `printer busy: ${MAX_QUEUED_PRINT_JOBS} jobs waiting` };
  }

  // ---------- printing ----------
  /** Journals and prints a document. Never throws for printer trouble: see the outcome. */
  async print(input: PrintDoc): Promise<PrintOutcome> {
    const n = normalizeDoc(input);
    if (!n.ok) {
      const first = n.issues[0]!;
      return { ok: false, jobId: null, code: 'invalid_document', message: `document refused: ${first.path}: ${first.message}`, retryable: false, issues: n.issues };
    }
    return this.journalAndRun(n.doc, null);
  }

  /** Prints a failed (or never attempted) job again, with the same document. */
  async retry(jobId: number): Promise<PrintOutcome> {
    const job = this.store.get(jobId);
    if (!job) return { ok: false, jobId, code: 'not_found', message: `print job ${jobId}: not found`, retryable: false };
    if (job.state !== 'failed' && job.state !== 'queued') {
      return { ok: false, jobId, code: 'not_retryable', message: `print job ${jobId}: is ${job.state}; use reprint for a copy`, retryable: false };
    }
    const ageMs = this.now().getTime() - Date.parse(job.createdAt);
    return this.run(job, ageMs <= DRAWER_RETRY_WINDOW_MS);
  }

  /** Retries every failed job, oldest first, up to MAX_RETRY_BATCH. */
  async retryFailed(): Promise<PrintOutcome[]> {
    const jobs = this.store.list({ states: ['failed', 'queued'], limit: MAX_RETRY_BATCH }).reverse();
    const out: PrintOutcome[] = [];
    for (const j of jobs) out.push(await this.retry(j.id));
    return out;
  }

  /**
   * A copy of a document printed before, marked 重印 / REPRINT, without a drawer kick.
   * `ref` is the out_trade_no for receipts (the default), the out_refund_no for refund slips.
   */
  async reprint(ref: string, kind: PrintDocKind = 'receipt'): Promise<PrintOutcome> {
    const original = this.store.latestOriginal(kind, ref);
    if (original) return this.journalAndRun({ ...original.doc, reprint: true }, original.id);
    const build = kind === 'receipt' ? this.receiptFor : kind === 'refund' ? this.refundSlipFor : null;
    const built = build ? build(ref) : null;
    if (!built) return { ok: false, jobId: null, code: 'not_found', message: `no ${kind} ${ref} in the print journal`, retryable: false };
    const n = normalizeDoc({ ...built, reprint: true });
    if (!n.ok) {
      const first = n.issues[0]!;
      return { ok: false, jobId: null, code: 'invalid_document', message: `document refused: ${first.path}: ${first.message}`, retryable: false, issues: n.issues };
    }
    return this.journalAndRun(n.doc, null);
  }

  /** Whether an original (in any state) of this document is in the print journal. */
  has(kind: PrintDocKind, ref: string): boolean {
    return this.store.latestOriginal(kind, ref) !== null;
  }

  /** Whether a receipt (original, in any state) of this order is in the print journal. */
  hasReceipt(outTradeNo: string): boolean {
    return this.has('receipt', outTradeNo);
  }

  /** The print journal, newest first (for a "print jobs" screen). */
  jobs(filter: { states?: readonly PrintJobRecord['state'][]; ref?: string; limit: number }): PrintJobRecord[] {
    return this.store.list(filter);
  }

  /** After a restart: attempts that were running when the app stopped become failed (retryable). */
  recoverInterrupted(): number {
    const stuck = this.store.list({ states: ['printing'], limit: MAX_RETRY_BATCH });
    const at = this.now().toISOString();
    for (const j of stuck) this.store.markFailed(j.id, 'interrupted', 'the app stopped while this job was printing; it may be incomplete', at);
    return stuck.length;
  }

  private journalAndRun(doc: PrintDoc, reprintOf: number | null): Promise<PrintOutcome> {
    const job = this.store.create({
      kind: doc.kind,
      ref: docRef(doc),
      doc,
      paper: this.cfg?.paper ?? '80mm',
      reprintOf,
      at: this.now().toISOString(),
    });
    return this.run(job, true);
  }

  private async run(job: PrintJobRecord, kickDrawer: boolean): Promise<PrintOutcome> {
    const at = () => this.now().toISOString();
    const fail = (code: PrintFailCode, message: string, retryable: boolean): PrintOutcome => {
      this.store.markFailed(job.id, code, message, at());
      this.log(`print job ${job.id} (${job.kind} ${job.ref}): ${code}: ${message}`);
      return { ok: false, jobId: job.id, code, message, retryable };
    };
    const cfg = this.cfg;
    const transport = this.transport;
    if (!cfg || !transport) return fail('not_configured', 'no printer configured; the job is kept and prints on retry', true);
    let bytes: Buffer;
    try {
      bytes = renderDoc(job.doc, {
        paper: cfg.paper,
        locale: cfg.locale,
        timeZone: cfg.timeZone,
        drawer: cfg.drawer,
        kickDrawer,
        cut: cfg.cut,
        qrOutTradeNo: cfg.qrOutTradeNo,
      });
    } catch (e) {
      if (e instanceof EscPosError) return fail('invalid_document', e.message, false);
      throw e;
    }
    const run = this.enqueue(async (): Promise<PrintOutcome> => {
      // Re-read: a second retry of the same job may have been queued behind the first.
      const current = this.store.get(job.id);
      if (!current || (current.state !== 'queued' && current.state !== 'failed')) {
        return { ok: false, jobId: job.id, code: 'not_retryable', message: `print job ${job.id}: is ${current?.state ?? 'gone'} already`, retryable: false };
      }
      this.store.startAttempt(job.id, at());
      let link: PrinterLink | null = null;
      try {
        link = await transport.open();
        let status: RawStatus | null = null;
        if (transport.reportsStatus && cfg.statusCheck !== 'off') {
          status = await queryStatus(link, cfg.statusTimeoutMs);
          if (!status.answered && cfg.statusCheck === 'required') {
            throw new Failure('not_answering', `${transport.target}: the printer did not answer the status request within ${cfg.statusTimeoutMs} ms; check power and cable, then retry`);
          }
          const problem = status.answered ? statusProblem(status) : null;
          if (problem) throw problem;
        }
        await link.write(bytes);
        this.store.markPrinted(job.id, at());
        this.log(`print job ${job.id} (${job.kind} ${job.ref}): printed ${bytes.length} bytes on ${transport.target}`);
        return { ok: true, jobId: job.id, bytes: bytes.length, status };
      } catch (e) {
        if (e instanceof Failure || e instanceof TransportError) return fail(e.code, e.message, true);
        return fail('write_failed', e instanceof Error ? e.message : String(e), true);
      } finally {
        await link?.close();
      }
    });
    return run ?? fail('busy', `printer busy: ${MAX_QUEUED_PRINT_JOBS} jobs waiting; the job is kept and prints on retry`, true);
  }
}

function statusProblem(s: RawStatus): Failure | null {
  if (s.paperOut) return new Failure('paper_out', 'the printer is out of paper; load a roll, then retry');
  if (s.coverOpen) return new Failure('cover_open', 'the printer cover is open; close it, then retry');
  if (s.error) return new Failure('printer_error', 'the printer reports an error (cutter jam or overheating); clear it, then retry');
  if (s.online === false) return new Failure('offline', 'the printer is offline');
  return null;
}

/** The typed IPC error for a failed outcome (for electron/ipc/handlers/printer.ts). */
export function printOutcomeError(o: Extract<PrintOutcome, { ok: false }>): PosError {
  switch (o.code) {
    case 'invalid_document':
      return new PosError('invalid_payload', o.message, { issues: o.issues ?? [] });
    case 'not_found':
      return new PosError('not_found', o.message);
    case 'busy':
    case 'not_retryable':
      return new PosError('conflict', o.message);
    default:
      return new PosError('unavailable', o.jobId === null ? o.message : `${o.message} (print job ${o.jobId})`);
  }
}
