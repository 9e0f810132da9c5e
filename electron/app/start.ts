// startApp(): the composition root of one till, shared by the Electron shell and the browser host.
// It opens the settings, the journal, the gateway (the embedded sandbox when none is configured),
// the payment engine, the callback receiver and the scanners, and assembles the one handler table.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { EventBus } from './bus.js';
import { ManagerPin } from './manager-pin.js';
import { SettingsStore, type SecretStore } from '../settings/store.js';
import type { Runtime } from './runtime.js';
import type { HandlerTable, PartialHandlers } from '../ipc/types.js';
import { INVOKE_CHANNELS, type AppInfo, type GatewayCheckView } from '../../shared/ipc/contract.js';
import { PosError } from '../../shared/ipc/errors.js';
import type { Settings } from '../../shared/settings.js';
import { appHandlers } from '../ipc/handlers/app.js';
import { checkoutHandlers } from '../ipc/handlers/checkout.js';
import { dispatch } from '../ipc/dispatch.js';
import { ARMED_SCAN_CALLER, ArmedScan } from '../checkout/armed-scan.js';
import type { IpcResult } from '../../shared/ipc/errors.js';
import type { PaymentView } from '../../shared/ipc/contract.js';
import { displayHandlers } from '../ipc/handlers/display.js';
import { merchantHandlers } from '../ipc/handlers/merchant.js';
import { WithdrawalStore } from '../merchant/withdrawals.js';
import { scannerHandlers, forwardScannerEvents } from '../ipc/handlers/scanner.js';
import { Journal } from '../journal/journal.js';
import { PaymentEngine, type EngineConfig } from '../checkout/engine.js';
import { startNotifyReceiver, type NotifyReceiver } from '../notify/receiver.js';
import { ScannerManager } from '../scanner/manager.js';
import { openGatewayLink, type GatewayLink } from './gateway-link.js';
import { terminalIpFor } from './terminal-ip.js';
import { checkGateway, checkRefusal } from './gateway-check.js';
import { ShiftService } from '../shift/service.js';
import { shiftHandlers } from '../ipc/handlers/shift.js';
import { printerHandlers } from '../ipc/handlers/printer.js';
import { PrinterService } from '../printer/service.js';
import { SqlitePrintJobStore } from '../printer/sqlite-jobs.js';
import { printerConfigFromSettings } from '../printer/config.js';
import { exportHandlers, type PdfRenderer } from '../ipc/handlers/export.js';
import { printReceiptsOnPaid, receiptFromJournal, refundSlipFromJournal, type DocHeader } from '../printer/from-journal.js';
import { RefundSlips } from '../printer/refund-slips.js';
import { checkJournalAtStart } from '../backup/health.js';
import { startDamagedTill } from '../backup/damaged.js';
import type { HighWaterProvider } from '../backup/high-water.js';
import type { UpdaterPort } from '../update/service.js';
import { createFileLog } from '../log/file-log.js';
import { startUpkeep, type Upkeep } from './upkeep.js';
import { GoodsService } from '../goods/service.js';
import { goodsHandlers } from '../ipc/handlers/goods.js';
import { HeadOfficeSync, headOfficeHighWater } from '../headoffice/service.js';

export interface StartOptions {
  dataDir: string;
  shell: AppInfo['shell'];
  version: string;
  secrets: SecretStore;
  /** The head office credential's store (default: a 0600 file in the data directory). */
  headOfficeSecrets?: SecretStore;
  log?: (line: string) => void;
  /** Tests: sandbox seconds per real second, and faster engine timings. */
  sandboxTimeScale?: number;
  /** The embedded sandbox with a live-style merchant profile (its WeChat ids required). */
  sandboxLiveProfile?: boolean | { subAppId?: string; subMchId?: string };
  engineConfig?: Partial<EngineConfig>;
  /** Where CSV/PDF reports go (default: exports/ in the data directory). */
  exportDir?: string;
  /** Renders report HTML to PDF (Electron's printToPDF, or a Chromium); null: PDF export unavailable. */
  renderPdf?: PdfRenderer | null;
  /** Log files (rotated, masked) when no `log` is given; default logs/ in the data directory. */
  logDir?: string;
  /** electron-updater's instance (the Electron shell); none: updates are off. */
  updater?: UpdaterPort | null;
  /** What the head office holds of this journal, for restores (default: asked of the head office in the settings). */
  highWater?: HighWaterProvider;
  /** Restarts the till after a restore was staged (Electron relaunches). */
  restart?: () => void;
}

export interface RunningApp {
  runtime: Runtime;
  handlers: HandlerTable;
  close(): Promise<void>;
}

/** Settings that change who the till talks to: they apply only with no payment left unsettled. */
const GATEWAY_KEYS: readonly (keyof Settings)[] = ['gatewayUrl', 'appId', 'merchantNo', 'signType', 'merchantPrivateKeyPath', 'platformPublicKeyPath', 'notifyUrl', 'notifyPort', 'notifyPath', 'requestTimeoutMs', 'queryIntervalMs', 'payDeadlineMs', 'terminalId', 'wxSubAppId', 'wxSubMchId', 'terminalIp', 'unionpayBankCode'];
/** Settings that change who the till signs in as: a save of them is checked against the gateway first. */
const CREDENTIAL_KEYS: readonly (keyof Settings)[] = ['gatewayUrl', 'appId', 'merchantNo', 'signType', 'merchantPrivateKeyPath', 'platformPublicKeyPath'];

/** Joins the rooms' partial tables; two rooms answering one channel is a wiring bug. */
export function assembleHandlers(parts: PartialHandlers[]): HandlerTable {
  const table: PartialHandlers = {};
  for (const part of parts) {
    for (const [channel, handler] of Object.entries(part)) {
      if (Object.hasOwn(table, channel)) throw new Error(`two handlers for channel ${channel}`);
      (table as Record<string, unknown>)[channel] = handler;
    }
  }
  for (const channel of INVOKE_CHANNELS) {
    if (!Object.hasOwn(table, channel)) {
      (table as Record<string, unknown>)[channel] = () => {
        throw new PosError('unavailable', `${channel}: not available in this build`);
      };
    }
  }
  return table as HandlerTable;
}

interface PaymentSide {
  link: GatewayLink;
  engine: PaymentEngine;
  notify: NotifyReceiver | null;
  close(): Promise<void>;
}

export async function startApp(opts: StartOptions): Promise<RunningApp> {
  mkdirSync(opts.dataDir, { recursive: true });
  const logDir = opts.logDir ?? join(opts.dataDir, 'logs');
  let knownSecrets: string[] = [];
  const log = opts.log ?? createFileLog({ dir: logDir, secrets: () => knownSecrets, echo: (line) => console.log(line) });
  const settings = new SettingsStore(opts.dataDir, opts.secrets, opts.headOfficeSecrets);
  const pin = new ManagerPin(opts.dataDir);
  const bus = new EventBus();
  const refreshSecrets = () => (knownSecrets = [settings.secret(), settings.headOfficeCredential()].filter((x): x is string => x !== null));
  refreshSecrets();
  bus.subscribe((event) => event === 'settings.changed' && refreshSecrets());
  const journalPath = join(opts.dataDir, 'journal.sqlite');
  // A damaged journal is never opened for writing nor replaced: the till starts without it.
  const health = await checkJournalAtStart({ dataDir: opts.dataDir, journalPath, log });
  const upkeepBase = { dataDir: opts.dataDir, journalPath, health, settings, pin, version: opts.version, shell: opts.shell, updater: opts.updater, highWater: opts.highWater ?? headOfficeHighWater(() => settings.get(), () => settings.headOfficeCredential()), logDir, exportDir: () => opts.exportDir ?? join(opts.dataDir, 'exports'), restart: opts.restart, log };
  if (health.state === 'damaged') {
    const upkeep = startUpkeep({ ...upkeepBase, journal: null, activity: () => ({ shiftOpen: false, unsettledPayments: 0, owedWork: 0, closing: false }) });
    return startDamagedTill({ health, settings, pin, bus, log, version: opts.version, shell: opts.shell, upkeep });
  }
  const journal = Journal.open({ path: journalPath, terminalId: settings.get().terminalId });
  // Replication to the head office, if one is set: never in the cashier's way (electron/headoffice).
  const headOffice = new HeadOfficeSync({ journal, settings: () => settings.get(), credential: () => settings.headOfficeCredential(), bus, log });
  headOffice.start();
  const stopHeadOfficeWatch = bus.subscribe((event) => {
    if (event === 'settings.changed') headOffice.settingsChanged().catch((err: unknown) => log(`head office: ${(err as Error).message}`));
  });
  const scanners = new ScannerManager({ log });
  // A serial gun's payment code for the sale the screen armed starts here, through the handler
  // table like the screen's own checkout.scan (electron/checkout/armed-scan.ts).
  let table: HandlerTable | null = null;
  const armedScan = new ArmedScan({
    start: (payload) =>
      table
        ? (dispatch(table, 'checkout.scan', payload, { shell: opts.shell, caller: ARMED_SCAN_CALLER }, log) as Promise<IpcResult<PaymentView>>)
        : Promise.resolve({ ok: false, error: { code: 'unavailable', message: 'the till is still starting' } }),
    tell: (e) => bus.emit('checkout.armedScan', e),
    log,
  });
  const stopForwarding = forwardScannerEvents(scanners, bus, armedScan);
  const header = (): DocHeader & { terminalId: string } => ({ shopName: settings.get().shopName, terminalId: settings.get().terminalId });
  const shifts = new ShiftService({
    journal,
    gateway: null,
    merchantNo: '',
    checkManagerPin: (p) => pin.check(p),
    varianceThresholdFen: () => settings.get().varianceThresholdFen,
    log,
    // shift.reconcileProgress while a close queries the gateway again.
    bus,
    // A payment that landed after the till closed it, found by the close's queries: refunded.
    onGatewayPaid: async (outTradeNo, tradeNo) => side.engine.applyGatewayPaid(outTradeNo, tradeNo, 'reconcile'),
    // A backup of the journal after every close; a downloaded update may install then (日结).
    afterClose: () => upkeep.afterShiftClose(),
  });
  const upkeep: Upkeep = startUpkeep({
    ...upkeepBase,
    journal,
    activity: () => ({ shiftOpen: shifts.currentShiftId() !== null, unsettledPayments: journal.openAttempts().length, owedWork: journal.openWork().length, closing: shifts.isClosing() }),
  });
  const printerConfig = (s: Settings) => {
    const r = printerConfigFromSettings(s);
    if (!r.ok) throw new PosError('invalid_settings', r.issues.map((i) => i.message).join('; '), { issues: r.issues });
    return r.config;
  };
  let initialPrinter = null;
  try {
    initialPrinter = printerConfig(settings.get());
  } catch (err) {
    log(`printer: ${(err as Error).message}`);
  }
  const printer = new PrinterService({
    store: new SqlitePrintJobStore(journal.db),
    config: initialPrinter,
    log,
    receiptFor: (no) => receiptFromJournal(journal, no, header()),
    refundSlipFor: (no) => refundSlipFromJournal(journal, no, header()),
  });
  // A slip for every refund that succeeds from now on: at once, or later by owed work.
  const refundSlips = new RefundSlips({ printer, journal, header, log });
  // Jobs cut short by a crash or power loss are marked failed, so the cashier can retry them.
  const interrupted = printer.recoverInterrupted();
  if (interrupted > 0) log(`printer: ${interrupted} print job(s) were interrupted; they can be retried`);

  /** Gateway link + engine + callback receiver, built from the settings of the moment. */
  async function openPaymentSide(s: Settings): Promise<PaymentSide> {
    const link = await openGatewayLink({ dataDir: opts.dataDir, settings: s, secret: settings.secret(), sandboxTimeScale: opts.sandboxTimeScale, ...(opts.sandboxLiveProfile ? { sandboxLiveProfile: opts.sandboxLiveProfile } : {}), log });
    let notify: NotifyReceiver | null = null;
    let engine: PaymentEngine | null = null;
    try {
      // The sandbox calls back on loopback; a real gateway reaches the port the shop forwarded.
      if (link.mode === 'sandbox' || s.notifyPort > 0) {
        notify = await startNotifyReceiver({
          host: link.mode === 'sandbox' ? '127.0.0.1' : '0.0.0.0',
          port: link.mode === 'sandbox' ? 0 : s.notifyPort,
          path: s.notifyPath,
          signer: link.signer,
          apply: (n) => (engine ? engine.applyPaidNotice(n) : Promise.resolve('unknown_order')),
          log,
        });
      }
      const notifyUrl = link.mode === 'sandbox' ? notify?.url : s.notifyUrl || undefined;
      engine = new PaymentEngine({
        journal,
        gateway: link.client,
        merchantNo: link.merchantNo,
        terminalId: s.terminalId,
        notifyUrl,
        // A real gateway gets the merchant's own ids (empty ones are not sent) and this till's IP;
        // the embedded demo sandbox keeps its demo profile (a live-style one wants the real ids).
        ...(link.mode === 'production' || link.sandbox?.liveIds ? { profile: { subAppId: s.wxSubAppId, subMchId: s.wxSubMchId, unionpayBankCode: s.unionpayBankCode, terminalIp: terminalIpFor(s.terminalIp).ip } } : {}),
        currentShiftId: () => shifts.currentShiftId(),
        config: { queryIntervalMs: s.queryIntervalMs, payDeadlineMs: s.payDeadlineMs, requestTimeoutMs: s.requestTimeoutMs, ...opts.engineConfig },
        log,
      });
      engine.on('progress', (view) => bus.emit('payment.progress', view));
      engine.on('online', (e) => bus.emit('gateway.online', e));
      engine.on('recovery', (e) => bus.emit('checkout.recovery', e));
      const running = engine;
      // A receipt for every paid order (the drawer opens on cash only); printer trouble never blocks a sale.
      const stopReceipts = printReceiptsOnPaid(running, printer, journal, header, log);
      const stopSlips = refundSlips.follow(running);
      shifts.setGateway(link.client, link.merchantNo);
      return {
        link,
        engine: running,
        notify,
        close: async () => {
          stopReceipts();
          stopSlips();
          await running.stop();
          await notify?.close();
          await link.close();
        },
      };
    } catch (err) {
      await notify?.close();
      await link.close();
      throw err;
    }
  }

  let side = await openPaymentSide(settings.get());
  // The cashier is served at once; the last run's owed work is settled in the background.
  side.engine.recoverInBackground();
  side.engine.startReconciler();
  // The open shift's orders are confirmed with the gateway in the background, so the close is quick.
  shifts.startConfirmer();
  await scanners.configure(settings.get().scanners).catch((err: unknown) => log(`scanners: ${(err as Error).message}`));

  const runtime: Runtime = {
    settings,
    pin,
    bus,
    journal,
    scanners,
    log,
    refunded: (outTradeNo) => refundSlips.printNew(outTradeNo),
    engine: () => side.engine,
    gateway: () => side.link,
    info: () => {
      const s = settings.get();
      return {
        name: 'Counter POS',
        version: opts.version,
        gatewayMode: side.link.mode,
        gatewayUrl: side.link.mode === 'sandbox' ? '' : side.link.gatewayUrl,
        merchantNo: side.link.merchantNo,
        terminalId: s.terminalId,
        language: s.language,
        shell: opts.shell,
        online: side.engine.isOnline().online,
        recovery: side.engine.recoveryStatus(),
      };
    },
  };

  /** 连接测试 with candidate settings: the running link when they are its own, else a link of its own. */
  async function runGatewayCheck(s: Settings, secret: string | undefined): Promise<GatewayCheckView> {
    let ip: ReturnType<typeof terminalIpFor>;
    try {
      ip = terminalIpFor(s.terminalIp);
    } catch (err) {
      throw new PosError('invalid_settings', (err as Error).message, { issues: [{ path: 'terminalIp', message: (err as Error).message }] });
    }
    const ipView = { terminalIp: ip.ip, terminalIpSource: ip.source };
    if (s.gatewayUrl === '') {
      // The embedded sandbox: checked when it is the running link; it is the till's own otherwise.
      if (side.link.mode !== 'sandbox') return { result: 'ok', mode: 'sandbox', code: null, field: null, detail: 'the embedded sandbox gateway (started when saved)', ...ipView };
      return { ...(await checkGateway(side.link.client, side.link.merchantNo, 'MD5')), mode: 'sandbox', ...ipView };
    }
    const link = await openGatewayLink({ dataDir: opts.dataDir, settings: s, secret: secret ?? settings.secret(), log });
    try {
      return { ...(await checkGateway(link.client, link.merchantNo, s.signType)), mode: 'production', ...ipView };
    } finally {
      await link.close();
    }
  }

  // Settings saves go through here: gateway changes rebuild the payment side, scanners reopen.
  const baseApp = appHandlers(runtime, {
    beforeSave: (next) => {
      const current = settings.get();
      const gatewayChanges = GATEWAY_KEYS.some((k) => JSON.stringify(current[k]) !== JSON.stringify(next[k]));
      if (gatewayChanges && journal.openAttempts().length > 0) {
        throw new PosError('conflict', 'gateway settings can change only when every payment is settled: settle the open orders in History first');
      }
      return { gatewayChanges, printer: printerConfig(next) };
    },
    // A save that changes the credentials is checked against the gateway before it applies.
    checkBeforeSave: async (next, secret) => {
      const current = settings.get();
      const changes = secret !== undefined || CREDENTIAL_KEYS.some((k) => JSON.stringify(current[k]) !== JSON.stringify(next[k]));
      if (!changes || next.gatewayUrl === '') return;
      const v = await runGatewayCheck(next, secret);
      if (v.result !== 'ok') throw checkRefusal(v);
    },
    afterSave: async ({ gatewayChanges, printer: nextPrinter }) => {
      printer.configure(nextPrinter);
      if (gatewayChanges) {
        const old = side;
        await old.close();
        side = await openPaymentSide(settings.get());
        side.engine.startReconciler();
      }
      await scanners.configure(settings.get().scanners).catch((err: unknown) => log(`scanners: ${(err as Error).message}`));
    },
  }, runGatewayCheck);

  const exportDir = () => opts.exportDir ?? join(opts.dataDir, 'exports');
  const goods = new GoodsService(journal, { checkManagerPin: (p) => pin.check(p ?? ''), exportDir });
  const handlers = assembleHandlers([
    baseApp, checkoutHandlers(runtime, goods, armedScan), displayHandlers(bus), merchantHandlers(runtime, new WithdrawalStore(journal)), scannerHandlers(scanners), shiftHandlers(shifts),
    printerHandlers({ printer, shifts, header }),
    exportHandlers({ shifts, exportDir, renderPdf: opts.renderPdf ?? null, header: () => ({ ...header(), language: settings.get().language }) }),
    upkeep.handlers,
    goodsHandlers(runtime, { goods, exportDir, renderPdf: opts.renderPdf ?? null, currentShiftId: () => shifts.currentShiftId() }),
    headOffice.handlers(),
  ]);
  table = handlers;
  return {
    runtime,
    handlers,
    close: async () => {
      stopForwarding();
      await shifts.stopConfirmer();
      await scanners.close();
      await side.close();
      await printer.idle();
      await upkeep.close();
      stopHeadOfficeWatch();
      await headOffice.close();
      journal.close();
    },
  };
}
