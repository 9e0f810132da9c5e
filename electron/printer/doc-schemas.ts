// The printed documents as data (PrintDoc): zod schemas for the sale receipt, the refund slip and
// the X/Z/day report, so a bad document is refused with the field and the rule before anything is
// journaled or sent. Split from documents.ts (which renders them and re-exports all of this).
import { z } from 'zod';
import { maskCode } from '../../shared/paycode.js';
import { ATTEMPT_STATES, PAY_CHANNELS, type PayChannel } from '../../shared/payment.js';
import type { ShiftReport } from '../../shared/ipc/contract.js';

// ---------- schemas ----------
const fen = z.number().int('must be a whole number of fen').safe();
const isoTime = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'must be an ISO date-time');
const outTradeNo = z.string().regex(/^[A-Za-z0-9_]{1,64}$/, 'must be 1–64 of [A-Za-z0-9_]');
const label = (max: number) => z.string().max(max, `must be at most ${max} characters`);
const channel = z.enum(PAY_CHANNELS as [PayChannel, ...PayChannel[]]);

export const receiptSchema = z.object({
  shopName: label(64).min(1, 'must not be empty'),
  terminalId: label(32),
  cashierId: label(32),
  cashierName: label(32).nullish(),
  /** When the sale was paid. */
  at: isoTime,
  lines: z
    .array(z.object({ name: label(64).min(1, 'must not be empty'), qty: z.number().int().min(1).max(9999), unitFen: fen.min(0) }))
    .max(200, 'must be at most 200 lines'),
  amountFen: fen.min(1, 'must be at least 0.01 yuan'),
  channel,
  method: label(40).nullish(),
  outTradeNo,
  tradeNo: label(64).nullable(),
  /** Payment code or payer account; masked before it is journaled or printed. */
  payer: label(64).nullable(),
  tenderedFen: fen.min(0).nullish(),
  changeFen: fen.min(0).nullish(),
  note: label(200).nullish(),
});
export type ReceiptData = z.infer<typeof receiptSchema>;

export const refundSlipSchema = z.object({
  shopName: label(64).min(1, 'must not be empty'),
  terminalId: label(32),
  cashierId: label(32),
  cashierName: label(32).nullish(),
  at: isoTime,
  channel,
  outTradeNo,
  tradeNo: label(64).nullable(),
  outRefundNo: z.string().regex(/^[A-Za-z0-9_]{1,64}$/, 'must be 1–64 of [A-Za-z0-9_]'),
  refundFen: fen.min(1, 'must be at least 0.01 yuan'),
  originalFen: fen.min(1, 'must be at least 0.01 yuan'),
  state: z.enum(['created', 'processing', 'succeeded', 'failed']),
  reason: label(200).nullish(),
  /**
   * A refund by goods line (按商品退货): the pieces given back and what each came to. Absent for a
   * refund by amount (and on slips journaled before lines were printed).
   */
  lines: z
    .array(
      z.object({
        name: label(64).min(1, 'must not be empty'),
        qty: z.number().int().min(1).max(9999),
        /** A weighed line: its weight (qty is 1). */
        weightG: z.number().int().min(1).optional(),
        amountFen: fen.min(0),
      }),
    )
    // As many as one refund may give back (orders.refundLines), so a big return is never refused.
    .max(500, 'must be at most 500 lines')
    .optional(),
});
export type RefundSlipData = z.infer<typeof refundSlipSchema>;

const orderRowSchema = z.object({
  outTradeNo: z.string(),
  saleId: z.number().int(),
  kind: z.enum(['scan', 'qr', 'cash']),
  channel,
  method: z.string(),
  amountFen: fen,
  refundedFen: fen,
  state: z.enum(ATTEMPT_STATES),
  tradeNo: z.string().nullable(),
  createdAt: z.string(),
});

const channelTotalsSchema = z.object({
  channel,
  salesCount: z.number().int().min(0),
  salesFen: fen,
  refundsCount: z.number().int().min(0),
  refundsFen: fen,
  reversalsCount: z.number().int().min(0),
  reversalsFen: fen,
  netFen: fen,
});

const reconciliationSchema = z
  .object({
    matches: z.boolean(),
    diffs: z.array(
      z.object({
        outTradeNo: z.string(),
        cause: z.enum(['paid_at_gateway_not_here', 'amount_differs', 'refunded_elsewhere', 'state_differs', 'missing_at_gateway', 'not_checked']),
        journal: z.string(),
        gateway: z.string(),
      }),
    ),
    checked: z.number().int().min(0).optional(),
    confirmed: z.number().int().min(0).optional(),
  })
  .nullable();

function checkReconciliation(r: { reconciliation: z.infer<typeof reconciliationSchema> }, ctx: z.RefinementCtx): void {
  if (r.reconciliation && r.reconciliation.matches !== (r.reconciliation.diffs.length === 0)) {
    ctx.addIssue({ code: 'custom', path: ['reconciliation', 'matches'], message: 'must be true exactly when there are no diffs' });
  }
}

// The goods section (issue 11): full in a full report, quantities only in a blind one.
const goodsFiguresSchema = (amount: z.ZodType<number | null>) =>
  z.object({
    topItems: z.array(z.object({ name: z.string(), code: z.string().nullable(), qty: z.number().int(), weightG: z.number().int(), takingsFen: amount })).max(50),
    categories: z.array(z.object({ category: z.string(), qty: z.number().int(), weightG: z.number().int(), takingsFen: amount })),
    typedFen: amount,
    refundedFen: amount,
  });

const fullReportSchema = z
  .object({
    title: z.enum(['X', 'Z', 'DAY']),
    blind: z.literal(false),
    shiftIds: z.array(z.number().int()),
    from: z.string(),
    to: z.string().nullable(),
    cashierId: z.string().nullable(),
    channels: z.array(channelTotalsSchema),
    totalNetFen: fen,
    cash: z.object({
      floatFen: fen,
      salesFen: fen,
      refundsFen: fen,
      inFen: fen,
      outFen: fen,
      expectedFen: fen,
      countedFen: fen.nullable(),
      varianceFen: fen.nullable(),
      // The counts of the close (Z only; a Z closed before they were recorded has none).
      counts: z.number().int().min(1).optional(),
      firstCountedFen: fen.min(0).optional(),
      firstVarianceFen: fen.optional(),
    }),
    openOrders: z.array(orderRowSchema),
    reconciliation: reconciliationSchema,
    goods: goodsFiguresSchema(fen).optional(),
  })
  .superRefine((r, ctx) => {
    // The printed report must add up: the owner checks it with a pencil.
    r.channels.forEach((c, i) => {
      if (c.netFen !== c.salesFen - c.refundsFen - c.reversalsFen) {
        ctx.addIssue({ code: 'custom', path: ['channels', i, 'netFen'], message: 'must equal salesFen − refundsFen − reversalsFen' });
      }
    });
    const sum = r.channels.reduce((s, c) => s + c.netFen, 0);
    if (sum !== r.totalNetFen) ctx.addIssue({ code: 'custom', path: ['totalNetFen'], message: 'must equal the sum of the channels’ netFen' });
    const c = r.cash;
    if (c.expectedFen !== c.floatFen + c.salesFen - c.refundsFen + c.inFen - c.outFen) {
      ctx.addIssue({ code: 'custom', path: ['cash', 'expectedFen'], message: 'must equal float + sales − refunds + in − out' });
    }
    if (c.countedFen !== null && c.varianceFen !== c.countedFen - c.expectedFen) {
      ctx.addIssue({ code: 'custom', path: ['cash', 'varianceFen'], message: 'must equal countedFen − expectedFen' });
    }
    // The first count goes with the number of counts, on a counted Z report only; with one count
    // it IS the count (a report saying otherwise would hide or invent a recount).
    const firsts = [c.counts, c.firstCountedFen, c.firstVarianceFen].filter((v) => v !== undefined).length;
    if (firsts !== 0 && firsts !== 3) ctx.addIssue({ code: 'custom', path: ['cash', 'counts'], message: 'counts, firstCountedFen and firstVarianceFen go together' });
    if (firsts === 3 && (r.title !== 'Z' || c.countedFen === null)) ctx.addIssue({ code: 'custom', path: ['cash', 'counts'], message: 'only a counted Z report carries its counts' });
    if (c.counts === 1 && (c.firstCountedFen !== c.countedFen || c.firstVarianceFen !== c.varianceFen)) {
      ctx.addIssue({ code: 'custom', path: ['cash', 'firstCountedFen'], message: 'with one count, the first count is the count' });
    }
    checkReconciliation(r, ctx);
  });

const hidden = z.null({ error: 'must be null in a blind report (hidden until the blind count)' });
const blindReportSchema = z
  .object({
    // A Z report is counted already: it is never blind.
    title: z.enum(['X', 'DAY']),
    blind: z.literal(true),
    shiftIds: z.array(z.number().int()),
    from: z.string(),
    to: z.string().nullable(),
    cashierId: z.string().nullable(),
    channels: z.array(
      z.object({
        channel,
        salesCount: z.number().int().min(0),
        salesFen: fen.nullable(),
        refundsCount: z.number().int().min(0),
        refundsFen: fen.nullable(),
        reversalsCount: z.number().int().min(0),
        reversalsFen: fen.nullable(),
        netFen: fen.nullable(),
      }),
    ),
    totalNetFen: hidden,
    cash: z.object({
      floatFen: hidden,
      salesFen: hidden,
      refundsFen: hidden,
      inFen: hidden,
      outFen: hidden,
      expectedFen: hidden,
      countedFen: hidden,
      varianceFen: hidden,
    }),
    openOrders: z.array(orderRowSchema),
    reconciliation: reconciliationSchema,
    goods: goodsFiguresSchema(hidden).optional(),
  })
  .superRefine((r, ctx) => {
    // Cash amounts hidden, every other channel's shown and adding up: a blind report that
    // carried the drawer (or hid a card sale) would be a bug, refused before it is printed.
    r.channels.forEach((c, i) => {
      const amounts = [c.salesFen, c.refundsFen, c.reversalsFen, c.netFen];
      if (c.channel === 'cash') {
        if (amounts.some((a) => a !== null)) ctx.addIssue({ code: 'custom', path: ['channels', i], message: 'cash amounts must be null in a blind report' });
      } else if (c.salesFen === null || c.refundsFen === null || c.reversalsFen === null || c.netFen === null) {
        ctx.addIssue({ code: 'custom', path: ['channels', i], message: 'only the cash channel’s amounts are hidden' });
      } else if (c.netFen !== c.salesFen - c.refundsFen - c.reversalsFen) {
        ctx.addIssue({ code: 'custom', path: ['channels', i, 'netFen'], message: 'must equal salesFen − refundsFen − reversalsFen' });
      }
    });
    checkReconciliation(r, ctx);
  });

/**
 * A report (full or blind, told apart by `blind`). A report stored before the blind X report
 * existed has no `blind`: it is full (every such report was built with every figure).
 */
export const shiftReportSchema: z.ZodType<ShiftReport> = z.preprocess(
  (v) => (v !== null && typeof v === 'object' && !('blind' in v) ? { ...v, blind: false } : v),
  z.discriminatedUnion('blind', [fullReportSchema, blindReportSchema]),
) as unknown as z.ZodType<ShiftReport>;

export const printDocSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('receipt'), receipt: receiptSchema, reprint: z.boolean().optional() }),
  z.object({ kind: z.literal('refund'), refund: refundSlipSchema, reprint: z.boolean().optional() }),
  z.object({
    kind: z.literal('report'),
    report: shiftReportSchema,
    shopName: label(64).min(1, 'must not be empty'),
    terminalId: label(32),
    printedAt: isoTime,
    reprint: z.boolean().optional(),
  }),
]);
export type PrintDoc = z.infer<typeof printDocSchema>;
export type PrintDocKind = PrintDoc['kind'];

export interface DocIssue {
  path: string;
  message: string;
}

/** Validates a document and masks its payer: the form that is journaled and rendered. */
export function normalizeDoc(input: unknown): { ok: true; doc: PrintDoc } | { ok: false; issues: DocIssue[] } {
  const parsed = printDocSchema.safeParse(input);
  if (!parsed.success) {
    return { ok: false, issues: parsed.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message })) };
  }
  const doc = parsed.data;
  if (doc.kind === 'receipt' && doc.receipt.payer !== null) {
    return { ok: true, doc: { ...doc, receipt: { ...doc.receipt, payer: maskCode(doc.receipt.payer) } } };
  }
  return { ok: true, doc };
}

/** The journal key of a document: what a reprint looks it up by. */
export function docRef(doc: PrintDoc): string {
  switch (doc.kind) {
    case 'receipt':
      return doc.receipt.outTradeNo;
    case 'refund':
      return doc.refund.outRefundNo;
    case 'report':
      return doc.report.title === 'DAY' ? `DAY:${doc.report.from.slice(0, 10)}` : `${doc.report.title}:${doc.report.shiftIds.join(',')}`;
  }
}

