// The result types of the IPC contract (what main answers on each invoke channel), apart from
// contract.ts so that file stays the table of channels. contract.ts re-exports everything here.
import type { AttemptState, PayChannel, PayKind, RefundState } from '../payment.js';
import type { Fen } from '../money.js';
import type { Settings } from '../settings.js';
import type { BlindGoodsFigures, GoodsFigures } from './goods.js';

// ---------- result types ----------
export interface AppInfo {
  name: string;
  version: string;
  /** sandbox: the embedded sandbox gateway; production: a configured real gateway. */
  gatewayMode: 'sandbox' | 'production';
  gatewayUrl: string;
  merchantNo: string;
  terminalId: string;
  language: 'zh-CN' | 'en';
  /** Where the main side runs: inside Electron, or the browser host under Node. */
  shell: 'electron' | 'browser-host';
  online: boolean;
  /** Recovery at start settles the last run's owed work in the background: running, and items still owed. */
  recovery: RecoveryStatus;
}

export interface RecoveryStatus {
  running: boolean;
  owed: number;
}

export interface PaymentView {
  outTradeNo: string;
  saleId: number;
  kind: PayKind;
  channel: PayChannel;
  method: string;
  amountFen: Fen;
  state: AttemptState;
  tradeNo: string | null;
  /** For QR payments: the URL the QR code encodes. */
  qrUrl: string | null;
  /** Seconds until the engine gives up waiting and reverses; null when not waiting. */
  secondsLeft: number | null;
  /** Plain reason for declined / unknown / reversed, in the app's language keys or gateway text. */
  reason: string | null;
  reasonCode: string | null;
  /** Masked payment code (first 4 + last 4). */
  maskedAuthCode: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface CashResult {
  /** The journal's number for this cash sale (for refunds and reprints). */
  outTradeNo: string;
  saleId: number;
  amountFen: Fen;
  tenderedFen: Fen;
  changeFen: Fen;
}

export interface OrderRow {
  outTradeNo: string;
  saleId: number;
  kind: PayKind;
  channel: PayChannel;
  method: string;
  amountFen: Fen;
  refundedFen: Fen;
  state: AttemptState;
  tradeNo: string | null;
  createdAt: string;
}

export interface TimelineEntry {
  at: string;
  from: AttemptState | null;
  to: AttemptState;
  reason: string | null;
}

export interface RefundView {
  outRefundNo: string;
  amountFen: Fen;
  state: RefundState;
  reason: string | null;
  createdAt: string;
}

export interface OrderDetail extends OrderRow {
  note: string | null;
  maskedAuthCode: string | null;
  timeline: TimelineEntry[];
  refunds: RefundView[];
  refundableFen: Fen;
}

export interface BalanceView {
  balanceFen: Fen;
  freezeFen: Fen;
  unliquidatedFen: Fen;
  unionpay: { totalFen: Fen; freezeFen: Fen; normalFen: Fen } | null;
}

export interface WithdrawalRecord {
  outTradeNo: string;
  via: 'merchant' | 'unionpay';
  amountFen: Fen;
  /** requested: sent, no answer yet (query it); refused: the gateway said no, nothing moved. */
  state: 'requested' | 'processing' | 'paid' | 'failed' | 'refused';
  tradeNo: string | null;
  feeFen: Fen | null;
  reason: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface WithdrawView {
  outTradeNo: string;
  tradeNo: string | null;
  amountFen: Fen;
  feeFen: Fen | null;
  status: 'processing' | 'paid' | 'failed';
}

export interface SettingsView {
  values: Settings;
  /** The secret is write-only: the renderer only learns whether one is stored. */
  hasSecret: boolean;
  /** The head office credential is write-only too (Settings → 总部). */
  hasHeadOfficeCredential: boolean;
  /** How the secret is (or would be) protected; 'plain-file' is told to the user plainly. */
  secretStorage: 'os-keyring' | 'plain-file';
  /** The manager PIN is still the new till's 0000: the settings screen asks to change it. */
  managerPinIsDefault: boolean;
}

/**
 * The verdict of a gateway check (settings.checkGateway, and the check a save runs first).
 * ok: a signed answer came back (13001 on merchant.balance also proves the credentials);
 * unreachable: no connection / no answer; not_gateway: an answer that is not the gateway's (HTML,
 * garbage, HTTP ≠ 200); unknown_app 10001; bad_sign 10002 (or an answer that does not verify);
 * unknown_merchant 10003; ip_denied 10007; channel_closed 10006 / 10012; refused: another code.
 */
export type GatewayCheckResult = 'ok' | 'unreachable' | 'not_gateway' | 'unknown_app' | 'bad_sign' | 'unknown_merchant' | 'ip_denied' | 'channel_closed' | 'refused';

export interface GatewayCheckView {
  result: GatewayCheckResult;
  mode: 'sandbox' | 'production';
  /** The gateway's status code when one came back (signed or not). */
  code: number | null;
  /** The setting to look at first (gatewayUrl, appId, secret, merchantNo…), null when ok. */
  field: string | null;
  /** What the till saw, for the record (no secret in it). */
  detail: string;
  /** The till's IP as sent in spbill_create_ip / client_ip, and where it came from. */
  terminalIp: string;
  terminalIpSource: 'configured' | 'lan' | 'fallback';
}

export interface SerialPortView {
  path: string;
  manufacturer: string | null;
  vendorId: string | null;
  productId: string | null;
  /** A known scan-gun model matched by vendor/product id. */
  knownScanner: string | null;
}

export interface ScannerStatus {
  id: string;
  path: string | null;
  state: 'open' | 'searching' | 'closed' | 'error';
  reason: string | null;
  lastReadMasked: string | null;
  lastReadAt: string | null;
}

export interface ShiftView {
  shiftId: number;
  cashierId: string;
  openedAt: string;
  closedAt: string | null;
  floatFen: Fen;
}

export interface ChannelTotals {
  channel: PayChannel;
  salesCount: number;
  salesFen: Fen;
  refundsCount: number;
  refundsFen: Fen;
  reversalsCount: number;
  reversalsFen: Fen;
  netFen: Fen;
}

export interface ReconcileDiff {
  outTradeNo: string;
  /**
   * not_checked: the gateway gave no usable answer for this order (offline, error), so the
   * report cannot say it matches; the order is listed rather than silently skipped.
   */
  cause: 'paid_at_gateway_not_here' | 'amount_differs' | 'refunded_elsewhere' | 'state_differs' | 'missing_at_gateway' | 'not_checked';
  journal: string;
  gateway: string;
}

/** A report with every figure: a Z report, a 日结 of closed shifts, or an X report the manager opened. */
export interface FullShiftReport {
  title: 'X' | 'Z' | 'DAY';
  /** false: every figure is here (reports stored before the blind X report have no flag: read as false). */
  blind: false;
  shiftIds: number[];
  from: string;
  to: string | null;
  cashierId: string | null;
  channels: ChannelTotals[];
  totalNetFen: Fen;
  cash: {
    floatFen: Fen; salesFen: Fen; refundsFen: Fen; inFen: Fen; outFen: Fen; expectedFen: Fen; countedFen: Fen | null; varianceFen: Fen | null;
    /**
     * Z report only (absent on X / 日结, and on a Z closed before counts were recorded): how many
     * distinct blind counts the close took, and the FIRST one with its variance — what the
     * cashier counted before seeing the expected amount. The screen, paper, CSV and PDF show
     * "首次清点 ¥x.xx · 清点 n 次" when counts > 1.
     */
    counts?: number;
    firstCountedFen?: Fen;
    firstVarianceFen?: Fen;
  };
  openOrders: OrderRow[];
  /**
   * null: not reconciled (X report, or no gateway). `checked`: gateway orders queried.
   * `confirmed`: gateway orders not asked again because a verified callback or a final query had
   * already confirmed them, untouched since (reports before issue 10 have none).
   */
  reconciliation: { matches: boolean; diffs: ReconcileDiff[]; checked?: number; confirmed?: number } | null;
  /** Goods sold in the scope (issue 11): top items, quantity and takings by category. Absent when no goods were sold or refunded. */
  goods?: GoodsFigures;
}

/** A channel's line of a blind report: counts always; amounts null for cash (hidden), numbers otherwise. */
export interface BlindChannelTotals {
  channel: PayChannel;
  salesCount: number;
  salesFen: Fen | null;
  refundsCount: number;
  refundsFen: Fen | null;
  reversalsCount: number;
  reversalsFen: Fen | null;
  netFen: Fen | null;
}

/**
 * The cashier's report of a shift still open (X, or a 日结 with an open shift), before the blind
 * count: whatever reveals the drawer is null — never 0 — so the count at close stays blind: the
 * cash channel's amounts, the total net (the cash net is it minus the other channels), and every
 * drawer figure (float, cash sales/refunds, cash in/out, expected). Counts stay.
 */
export interface BlindShiftReport {
  title: 'X' | 'DAY';
  blind: true;
  shiftIds: number[];
  from: string;
  to: string | null;
  cashierId: string | null;
  channels: BlindChannelTotals[];
  totalNetFen: null;
  cash: { floatFen: null; salesFen: null; refundsFen: null; inFen: null; outFen: null; expectedFen: null; countedFen: null; varianceFen: null };
  openOrders: OrderRow[];
  reconciliation: { matches: boolean; diffs: ReconcileDiff[]; checked?: number; confirmed?: number } | null;
  /** Quantities only: the goods takings would reveal the drawer (they add up with the channels). */
  goods?: BlindGoodsFigures;
}

/** Any report: check `blind` before reading an amount. */
export type ShiftReport = FullShiftReport | BlindShiftReport;

/** shift.count: the blind count as committed, against what the drawer should hold. */
export interface CountReview {
  shiftId: number;
  countedFen: Fen;
  expectedFen: Fen;
  /** countedFen − expectedFen: positive is over (长款), negative short (短款). */
  varianceFen: Fen;
  thresholdFen: Fen;
  /**
   * The close needs the manager PIN and a reason: |variance| > threshold, or the FIRST count's
   * variance was (a recount that matches does not undo it).
   */
  needsApproval: boolean;
  /** Distinct counts of this close so far (this one included). */
  counts: number;
  /** The first count of this close and its variance (fixed; equal to this count when counts is 1). */
  firstCountedFen: Fen;
  firstVarianceFen: Fen;
  /** Orders of the shift that are not final: the shift cannot close until they are. */
  openOrders: OrderRow[];
}

export interface CashierView {
  id: string;
  name: string;
  role: 'cashier' | 'manager';
  active: boolean;
  locked: boolean;
}

export interface ExportResult {
  path: string;
  fileName: string;
  bytes: number;
}

export interface PrinterStatus {
  configured: boolean;
  online: boolean;
  paperOut: boolean | null;
  reason: string | null;
}

/** The journal as checked at start (electron/backup/health.ts). */
export type JournalHealthView =
  | { state: 'ok' | 'new'; auditEntries: number | null; restoredFrom: string | null; restoreRefused: string | null }
  | {
      state: 'damaged';
      /** corrupt / not_sqlite / missing / not_journal / audit_broken / replaced / rolled_back */
      kind: string;
      detail: string;
      /** The damaged file, kept where it was. */
      path: string;
      restoreRefused: string | null;
    };

export interface BackupEntryView {
  file: string;
  reason: 'shift-close' | 'daily' | 'manual';
  createdAt: string;
  auditEntries: number;
  sizeBytes: number;
}

export interface BackupStatusView {
  dir: string;
  keep: number;
  count: number;
  latest: BackupEntryView | null;
  lastError: { at: string; message: string } | null;
  /** A restore staged for the next start. */
  pendingRestore: string | null;
}

export interface UpdateStatusView {
  /** off: no update URL set; otherwise the updater's state. */
  state: 'off' | 'idle' | 'checking' | 'downloading' | 'downloaded' | 'installing' | 'error';
  feedUrl: string;
  /** The version downloaded (sha512 checked) and waiting for 日结, or being downloaded. */
  pendingVersion: string | null;
  /** Why the pending update is not installed yet (a shift open, a payment unsettled), or null. */
  waitingFor: string | null;
  /** Not in this version's rollout share (staged rollout): the update is skipped for now. */
  outsideRollout: boolean;
  lastError: string | null;
  lastCheckAt: string | null;
}

export interface SystemStatusView {
  version: string;
  shell: AppInfo['shell'];
  versions: Record<string, string>;
  journal: JournalHealthView;
  backup: BackupStatusView;
  update: UpdateStatusView;
}

export interface RestoreView {
  file: string;
  auditEntries: number;
  /** The head office's mark, when one is known. */
  headOfficeAuditEntries: number | null;
  /** The restore is applied when the till starts again. */
  restartNeeded: true;
  /** Electron restarts by itself; the browser host must be restarted by hand. */
  restarting: boolean;
}
