// The one IPC contract between the renderer and the main process.
// - `invoke` channels: renderer asks, main answers IpcResult<Result>. Each has a zod schema for its
//   payload; main validates every payload before any service sees it.
// - `events`: main tells the renderer (scanner reads, payment progress…), each with a schema too.
// Electron's ipcMain and the browser host's WebSocket both route through electron/ipc/dispatch.ts.
import { z } from 'zod';
import { PIN_RULE, PIN_RULE_TEXT } from '../pin.js';
import { ATTEMPT_STATES, QR_METHODS, PAY_CHANNELS, type AttemptState, type PayChannel, type PayKind } from '../payment.js';
// The goods section of the shift reports (issue 11).
import { goodsInvokeSchemas, goodsLineFields, saleAdjust, type GoodsInvokeResults } from './goods.js';
import { headOfficeEventSchemas, headOfficeInvokeSchemas, type HeadOfficeInvokeResults } from './headoffice.js';

// ---------- building blocks ----------
const fen = z.number().int('must be a whole number of fen').safe();
const amountFen = fen.min(1, 'must be at least 0.01 yuan').max(10_000_000_000, 'must be at most 100000000 yuan');
const outTradeNo = z.string().regex(/^[A-Za-z0-9_]{1,64}$/, 'must be 1–64 of [A-Za-z0-9_]');
const pin = z.string().regex(PIN_RULE, PIN_RULE_TEXT);
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date yyyy-MM-dd');
const note = z.string().max(200, 'must be at most 200 characters');
const saleLine = z.strictObject({
  name: z.string().min(1).max(64),
  barcode: z.string().max(32).optional(),
  qty: z.number().int().min(1).max(9999),
  unitFen: fen.min(0),
  // Goods lines (issue 11): product, discount, what the line is charged, weight, category.
  ...goodsLineFields,
});
/** Goods sales: order discount and 抹零, and the manager PIN when the discount is above the limit. */
const goodsSaleFields = { adjust: saleAdjust.optional(), managerPin: pin.optional() };
const empty = z.strictObject({});
/** What a scan payment pays: everything of checkout.scan but the payment code. */
const scanSale = {
  amountFen,
  note: note.optional(),
  lines: z.array(saleLine).max(200).optional(),
  ...goodsSaleFields,
};

// ---------- the customer display ----------
/** Lines the customer display shows: as many as one sale may carry (checkout.* lines). */
export const MAX_DISPLAY_LINES = 200;
/** Lines, when given, must add up to the amount: the customer never sees two different totals. Goods lines count what they are charged. */
function linesAddUp(v: { amountFen: number; lines?: { qty: number; unitFen: number; amountFen?: number | undefined }[] | undefined }): boolean {
  return v.lines === undefined || v.lines.reduce((sum, l) => sum + (l.amountFen ?? l.qty * l.unitFen), 0) === v.amountFen;
}
const displayIdle = z.strictObject({ kind: z.literal('idle') });
const displayAmount = z
  .strictObject({ kind: z.literal('amount'), amountFen, lines: z.array(saleLine).max(MAX_DISPLAY_LINES, `must be at most ${MAX_DISPLAY_LINES} lines`).optional() })
  // Only once every line is valid: a bad line is named by itself, not also as a wrong sum.
  .refine(linesAddUp, { message: 'must add up to amountFen', path: ['lines'], when: (p) => p.issues.length === 0 });
/**
 * A cash sale as the journal recorded it. Only main sends it (after checkout.cash journaled the
 * sale): the renderer cannot put a cash sale, or its change, on the customer's screen.
 */
const displayCash = z
  .strictObject({ kind: z.literal('cash'), outTradeNo, amountFen, tenderedFen: fen.min(0, 'must be at least 0'), changeFen: fen.min(0, 'must be at least 0') })
  .refine((v) => v.tenderedFen - v.amountFen === v.changeFen, { message: 'must be tenderedFen − amountFen', path: ['changeFen'], when: (p) => p.issues.length === 0 });

export const invokeSchemas = {
  // --- app ---
  'app.info': empty,

  // --- checkout (issue 4 engine, issue 6 screens) ---
  /** Scan payment: amount entered, payment code read by the gun or typed. */
  'checkout.scan': z.strictObject({ ...scanSale, authCode: z.string().min(1).max(64) }),
  /**
   * The sale a serial gun's payment code would pay right now (the screen is taking a payment code
   * for it), or null. Main then starts the payment itself at the gun's read, without a round trip
   * through the screen, and tells the screen with checkout.armedScan (electron/checkout/armed-scan.ts).
   */
  'checkout.arm': z.strictObject({ sale: z.strictObject(scanSale).nullable() }),
  /** Dynamic QR / link payment with a QR-capable method. */
  'checkout.qr': z.strictObject({
    amountFen,
    method: z.enum(QR_METHODS),
    note: note.optional(),
    lines: z.array(saleLine).max(200).optional(),
    ...goodsSaleFields,
  }),
  'checkout.cash': z.strictObject({
    amountFen,
    tenderedFen: fen.min(0),
    note: note.optional(),
    lines: z.array(saleLine).max(200).optional(),
    ...goodsSaleFields,
  }),
  /** Cashier cancels a waiting payment: it is reversed. */
  'checkout.cancel': z.strictObject({ outTradeNo }),
  /** The latest payment of this till (in progress or just finished), for a window that reloads; null when none. */
  'checkout.current': empty,
  /**
   * The cashier window tells the customer display what is being typed: welcome (nothing, or not an
   * amount) or the amount and its lines. Broadcast as display.update; a payment in progress wins.
   */
  'display.show': z.discriminatedUnion('kind', [displayIdle, displayAmount], { error: "must be 'idle' or 'amount' (a cash sale reaches the display from checkout.cash)" }),

  // --- history ---
  'orders.search': z.strictObject({
    from: isoDate.optional(),
    to: isoDate.optional(),
    state: z.enum(ATTEMPT_STATES).optional(),
    channel: z.enum(PAY_CHANNELS).optional(),
    outTradeNo: z.string().max(64).optional(),
    limit: z.number().int().min(1).max(500).default(50),
    offset: z.number().int().min(0).default(0),
  }),
  'orders.get': z.strictObject({ outTradeNo }),
  'orders.queryNow': z.strictObject({ outTradeNo }),
  'orders.refund': z.strictObject({
    outTradeNo,
    /** Absent: refund everything still refundable. */
    amountFen: amountFen.optional(),
    reason: note.optional(),
    managerPin: pin,
  }),
  'orders.reverse': z.strictObject({ outTradeNo, managerPin: pin }),

  // --- merchant (manager PIN) ---
  'merchant.balance': z.strictObject({ managerPin: pin }),
  'merchant.withdraw': z.strictObject({
    managerPin: pin,
    via: z.enum(['merchant', 'unionpay']),
    amountFen,
    bankAccountNo: z.string().regex(/^\d{8,32}$/, 'must be 8–32 digits'),
    bankAccountName: z.string().min(1).max(64),
    bankMobile: z.string().regex(/^1\d{10}$/, 'must be an 11-digit mobile number'),
    accountAttr: z.union([z.literal(0), z.literal(1)]),
    bankCode: z.string().max(32).optional(),
    bankName: z.string().max(64).optional(),
    idCardNo: z.string().max(18).optional(),
    province: z.string().max(32).optional(),
    city: z.string().max(32).optional(),
    remark: z.string().min(1).max(64),
  }),
  'merchant.withdrawQuery': z.strictObject({ managerPin: pin, via: z.enum(['merchant', 'unionpay']), outTradeNo }),
  /** The withdrawals this till asked for, newest first. */
  'merchant.withdrawals': z.strictObject({ managerPin: pin }),

  // --- settings ---
  'settings.get': empty,
  /** Partial update; refused as a whole with one issue per bad field. */
  'settings.save': z.strictObject({
    values: z.record(z.string(), z.unknown()),
    managerPin: pin.optional(),
  }),

  /**
   * 连接测试: one harmless signed call (merchant.balance) with the saved settings, or with
   * `values` (a partial update, not saved) and `secret` (not stored) over them.
   */
  'settings.checkGateway': z.strictObject({
    values: z.record(z.string(), z.unknown()).optional(),
    secret: z.string().max(128).optional(),
    managerPin: pin.optional(),
  }),

  // --- scanners (issue 5) ---
  'scanner.listPorts': empty,
  'scanner.status': empty,

  // --- shifts (issue 7) ---
  'shift.current': empty,
  'shift.signIn': z.strictObject({ cashierId: z.string().min(1).max(32), pin }),
  'shift.open': z.strictObject({ floatFen: fen.min(0) }),
  'shift.cashMove': z.strictObject({ direction: z.enum(['in', 'out']), amountFen, reason: z.string().min(1).max(100) }),
  /**
   * The X report of the open shift. Without managerPin it is the cashier's BLIND report: nothing
   * that reveals the drawer (expected cash, cash amounts, float, cash in/out, total net) — those
   * are null and `blind` is true. With the manager PIN (checked, same lockout) it is full.
   */
  'shift.xReport': z.strictObject({ managerPin: pin.optional() }),
  /**
   * The cashier's blind count of the drawer, committed (audited) before the expected amount is
   * told: answers expected vs counted and the orders that keep the shift open. Nothing is closed.
   */
  'shift.count': z.strictObject({
    countedFen: fen.min(0),
    denominations: z.record(z.string(), z.number().int().min(0)).optional(),
  }),
  /**
   * Closes the open shift with the latest count recorded by shift.count (countedFen, and the
   * denominations if given, must be that count: anything else is refused as conflict naming
   * no amount). The manager PIN and a reason are needed when that count's variance, or the
   * FIRST count's, is over the threshold.
   */
  'shift.close': z.strictObject({
    countedFen: fen.min(0),
    denominations: z.record(z.string(), z.number().int().min(0)).optional(),
    managerPin: pin.optional(),
    varianceReason: note.optional(),
  }),
  /** A closed shift's Z report; an open shift's X report (blind without managerPin, as shift.xReport). */
  'shift.report': z.strictObject({ shiftId: z.number().int().min(1), managerPin: pin.optional() }),
  /** 日结. While a shift of that day is still open it is blind without managerPin (as shift.xReport). */
  'shift.dayReport': z.strictObject({ date: isoDate, managerPin: pin.optional() }),
  /** Cashiers of this till (a new till has none: the manager adds them). */
  'shift.cashiers': empty,
  'shift.addCashier': z.strictObject({
    id: z.string().regex(/^[A-Za-z0-9_-]{1,32}$/, 'must be 1–32 of A-Z a-z 0-9 _ -'),
    name: z.string().trim().min(1, 'must not be empty').max(32, 'must be at most 32 characters'),
    role: z.enum(['cashier', 'manager']).optional(),
    pin,
    managerPin: pin,
  }),
  'shift.session': empty,
  'shift.signOut': empty,
  /** Writes the report of a shift (Z/X) or a day as CSV or PDF into the till's export folder. */
  /** The same blind rule as shift.xReport / shift.dayReport: an open shift's figures need managerPin. */
  'shift.export': z.strictObject({ shiftId: z.number().int().min(1).optional(), date: isoDate.optional(), format: z.enum(['csv', 'pdf']), managerPin: pin.optional() }),

  // --- printing (issue 7) ---
  'printer.status': empty,
  'printer.reprint': z.strictObject({ outTradeNo }),
  /** A copy of a refund's slip (补打退款单), marked 重印; built from the journal when it never printed. */
  'printer.reprintRefund': z.strictObject({ outRefundNo: outTradeNo }),
  /** The same blind rule as shift.xReport / shift.dayReport: an open shift's figures need managerPin. */
  'printer.printReport': z.strictObject({ shiftId: z.number().int().min(1).optional(), date: isoDate.optional(), managerPin: pin.optional() }),
  /** Prints again every journaled job that failed (paper out, printer off…). */
  'printer.retryFailed': empty,

  // --- shipping: journal health, backups, updates, support (issue 13) ---
  /** The version, the journal's health, the backups and the pending update (Settings, and the damaged-journal screen). */
  'system.status': empty,
  /** A backup of the journal now (manager PIN): copied online, verified, rotated. */
  'backup.now': z.strictObject({ managerPin: pin }),
  /**
   * Restore the journal from a backup (manager PIN): `file` is a backup's name in the backup
   * folder (default: the latest). Staged, applied at the next start; a backup older than what
   * the head office holds needs `confirmOlder`.
   */
  'backup.restore': z.strictObject({ managerPin: pin, file: z.string().regex(/^journal-[A-Za-z0-9-]{1,80}\.sqlite$/, 'must be a backup file name').optional(), confirmOlder: z.boolean().optional() }),
  /** A support bundle (logs, versions, journal checks; no secrets, payment codes masked). */
  'support.export': z.strictObject({ managerPin: pin }),
  // --- goods (issue 11): shared/ipc/goods.ts ---
  ...goodsInvokeSchemas,
  // --- head office (issue 12): shared/ipc/headoffice.ts ---
  ...headOfficeInvokeSchemas,
} as const;

export type InvokeChannel = keyof typeof invokeSchemas;
export type InvokePayload<C extends InvokeChannel> = z.input<(typeof invokeSchemas)[C]>;
export type InvokeParsed<C extends InvokeChannel> = z.output<(typeof invokeSchemas)[C]>;

// ---------- result types: shared/ipc/views.ts ----------
export * from './views.js';
import type { AppInfo, PaymentView, CashResult, OrderRow, OrderDetail, BalanceView, WithdrawalRecord, WithdrawView, SettingsView, GatewayCheckView, SerialPortView, ScannerStatus, ShiftView, FullShiftReport, ShiftReport, CountReview, CashierView, ExportResult, PrinterStatus, BackupEntryView, SystemStatusView, RestoreView } from './views.js';

export interface InvokeResults extends GoodsInvokeResults, HeadOfficeInvokeResults {
  'app.info': AppInfo;
  'checkout.scan': PaymentView;
  'checkout.arm': { armed: boolean };
  'checkout.qr': PaymentView;
  'checkout.cash': CashResult;
  'checkout.cancel': PaymentView;
  'checkout.current': PaymentView | null;
  'display.show': null;
  'orders.search': { rows: OrderRow[]; total: number };
  'orders.get': OrderDetail;
  'orders.queryNow': OrderDetail;
  'orders.refund': OrderDetail;
  'orders.reverse': OrderDetail;
  'merchant.balance': BalanceView;
  'merchant.withdraw': WithdrawView;
  'merchant.withdrawQuery': WithdrawView;
  'merchant.withdrawals': WithdrawalRecord[];
  'settings.get': SettingsView;
  'settings.save': SettingsView;
  'settings.checkGateway': GatewayCheckView;
  'scanner.listPorts': SerialPortView[];
  'scanner.status': ScannerStatus[];
  'shift.current': ShiftView | null;
  'shift.signIn': { cashierId: string; name: string };
  'shift.open': ShiftView;
  'shift.cashMove': ShiftView;
  'shift.xReport': ShiftReport;
  'shift.count': CountReview;
  'shift.close': FullShiftReport;
  'shift.report': ShiftReport;
  'shift.dayReport': ShiftReport;
  'shift.cashiers': CashierView[];
  'shift.addCashier': CashierView;
  'shift.session': { cashierId: string; name: string } | null;
  'shift.signOut': null;
  'shift.export': ExportResult;
  'printer.status': PrinterStatus;
  'printer.reprint': { jobId: number };
  'printer.reprintRefund': { jobId: number };
  'printer.printReport': { jobId: number };
  'printer.retryFailed': { retried: number; printed: number };
  'system.status': SystemStatusView;
  'backup.now': BackupEntryView;
  'backup.restore': RestoreView;
  'support.export': ExportResult;
}

// Every channel has a result type, and every result type a channel.
type _AllChannelsHaveResults = InvokeChannel extends keyof InvokeResults ? true : never;
type _NoExtraResults = keyof InvokeResults extends InvokeChannel ? true : never;
export const _contractComplete: [_AllChannelsHaveResults, _NoExtraResults] = [true, true];

// ---------- events: main → renderer ----------
export const eventSchemas = {
  /** One read of a scan gun on a serial port (already de-duplicated and classified). */
  'scanner.read': z.strictObject({
    scannerId: z.string(),
    kind: z.enum(['payment', 'product', 'unknown']),
    /** The code as read. Payment codes travel once to the renderer, which starts the payment. */
    code: z.string(),
    masked: z.string(),
    channel: z.enum(['weixin', 'alipay']).nullable(),
    symbology: z.string().nullable(),
  }),
  'scanner.status': z.strictObject({
    id: z.string(),
    path: z.string().nullable(),
    state: z.enum(['open', 'searching', 'closed', 'error']),
    reason: z.string().nullable(),
    lastReadMasked: z.string().nullable(),
    lastReadAt: z.string().nullable(),
  }),
  /** Any change of a payment attempt (state, countdown tick, reason). Payload: PaymentView. */
  'payment.progress': z.custom<PaymentView>((v) => typeof v === 'object' && v !== null && 'outTradeNo' in v),
  /** What the customer display shows besides a payment: welcome, the amount being typed, a cash sale. */
  'display.update': z.discriminatedUnion('kind', [displayIdle, displayAmount, displayCash]),
  /**
   * The close of a shift, querying its gateway orders again: `checked` of `total` done. Sent at
   * most every RECONCILE_PROGRESS_MS (electron/shift/service.ts) and once at the end (checked =
   * total); `total` grows if sales arrived while closing (another round).
   */
  'shift.reconcileProgress': z
    .strictObject({ shiftId: z.number().int().min(1), checked: z.number().int().min(0), total: z.number().int().min(0) })
    .refine((p) => p.checked <= p.total, { message: 'must be at most total', path: ['checked'] }),
  /**
   * A serial gun's payment code started the armed sale's payment in main (checkout.arm): first
   * 'started' (once the request has left), then 'done' with what checkout.scan would have answered.
   */
  'checkout.armedScan': z.discriminatedUnion('phase', [
    z.strictObject({ phase: z.literal('started'), scannerId: z.string(), masked: z.string(), amountFen }),
    z.strictObject({ phase: z.literal('done'), masked: z.string(), result: z.custom<IpcResult<PaymentView>>((v) => typeof v === 'object' && v !== null && 'ok' in v) }),
  ]),
  /** Recovery of owed work started or ended (see AppInfo.recovery). */
  'checkout.recovery': z.strictObject({ running: z.boolean(), owed: z.number().int().min(0) }),
  /** The gateway became reachable or unreachable. */
  'gateway.online': z.strictObject({ online: z.boolean(), reason: z.string().nullable() }),
  /** Settings changed (in another window, or by a save). */
  'settings.changed': z.strictObject({ hasSecret: z.boolean() }),
  ...headOfficeEventSchemas,
} as const;

export type EventChannel = keyof typeof eventSchemas;
export type EventPayload<E extends EventChannel> = z.output<(typeof eventSchemas)[E]>;
/** What the customer display shows besides a payment. */
export type DisplayUpdate = EventPayload<'display.update'>;

export const INVOKE_CHANNELS = Object.keys(invokeSchemas) as InvokeChannel[];
export const EVENT_CHANNELS = Object.keys(eventSchemas) as EventChannel[];

export function isInvokeChannel(name: unknown): name is InvokeChannel {
  return typeof name === 'string' && Object.hasOwn(invokeSchemas, name);
}

/** The typed `pos` API the preload exposes and the browser host's client implements. */
export interface PosApi {
  invoke<C extends InvokeChannel>(channel: C, payload: InvokePayload<C>): Promise<IpcResultOf<C>>;
  on<E extends EventChannel>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
}

import type { IpcResult } from './errors.js';
export type IpcResultOf<C extends InvokeChannel> = IpcResult<InvokeResults[C]>;
export type { AttemptState, PayChannel, PayKind };
