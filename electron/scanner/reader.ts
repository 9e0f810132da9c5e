// One configured scan gun on a serial port: opens it (by path, or by the USB ids of a known gun),
// frames its bytes into codes, drops double triggers, classifies each read, and when the device
// goes away says so at once, keeps looking for it and reopens it when it returns.
//
// Never crashes and never reads twice: every port gets an 'error' listener; every callback of a
// port checks that the port is still the current one (a closed or replaced port's late events are
// ignored); the frame being collected is dropped when the device goes (a fragment never glues onto
// the next code); the duplicate filter outlives reconnects (it belongs to the manager).
import { EventEmitter } from 'node:events';
import type { PortInfo, SerialBinding } from './types.js';
import type { SerialPort } from 'serialport';
import type { EventPayload, ScannerStatus } from '../../shared/ipc/contract.js';
import { classifyScan, maskScanForDisplay } from '../../shared/paycode.js';
import { ScanFramer, type DuplicateFilter, type FrameEvent } from './framing.js';
import { describeLine, type ResolvedScannerConfig } from './config.js';
import { findKnownScanner, normalizeUsbId } from './known-devices.js';

/** First wait before looking again for a missing device; doubles on each miss… */
export const RECONNECT_MIN_MS = 250;
/** …up to this cap, so a gun plugged back in is open again within this long. */
export const RECONNECT_MAX_MS = 5_000;
/** Longest wait for a port to close when the reader stops; a hung driver must not hang the app. */
export const CLOSE_TIMEOUT_MS = 2_000;
/** Longest wait for a port to open, and for the OS to list the ports; then it counts as a failed attempt. */
export const OPEN_TIMEOUT_MS = 5_000;
export const LIST_TIMEOUT_MS = 5_000;

class TimeoutError extends Error {}

/** `promise`, or a TimeoutError after `ms`; the timer never keeps the process alive. */
function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(`${what} did not finish within ${ms} ms`)), ms);
    timer.unref();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export type ScannerRead = EventPayload<'scanner.read'>;

export interface ReaderDeps {
  /** A serialport binding (MockBinding in unit tests); absent: the platform's own. */
  binding?: SerialBinding;
  listPorts: () => Promise<PortInfo[]>;
  log: (line: string) => void;
  /** True when another reader has this port (configured or currently open). */
  isClaimedByOther: (path: string, readerId: string) => boolean;
  reconnectMinMs: number;
  reconnectMaxMs: number;
  /** Limit for one open and for one port listing (OPEN_TIMEOUT_MS / LIST_TIMEOUT_MS by default). */
  openTimeoutMs?: number;
  /** Monotonic milliseconds, for framing and the duplicate window. */
  now: () => number;
  /** Shared by the manager's readers: the same code from two scanners within the window counts once too. */
  duplicates: DuplicateFilter;
}

let serialportModule: Promise<typeof import('serialport')> | null = null;
/**
 * serialport loads its native addon on import. Loaded on first open, not at startup, so a missing
 * or mismatched addon is a scanner status ('error', with the reason), not an app that fails to start.
 */
function loadSerialport(): Promise<typeof import('serialport')> {
  serialportModule ??= import('serialport').catch((err: unknown) => {
    serialportModule = null;
    throw err;
  });
  return serialportModule;
}

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** The port is not there (yet): unplugged, or a path that comes and goes with the device. */
function isAbsent(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  if (code === 'ENOENT' || code === 'ENODEV' || code === 'ENXIO') return true;
  return /no such file|does not exist|not found|cannot find|ENOENT|ENODEV|ENXIO/i.test(message(err));
}

interface Identity {
  vendorId: string | null;
  productId: string | null;
  serialNumber: string | null;
}

export class ScannerReader extends EventEmitter<{ status: [ScannerStatus]; read: [ScannerRead] }> {
  readonly config: ResolvedScannerConfig;
  private readonly deps: ReaderDeps;
  private readonly framer: ScanFramer;

  private running = false;
  private port: SerialPort | null = null;
  /** Path of the open port, or of the one being opened. */
  private currentPath: string | null = null;
  /** The device auto-pick found last: looked for first when it comes back (maybe at another path). */
  private remembered: Identity | null = null;
  private inflight: Promise<void> | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private frameTimer: NodeJS.Timeout | null = null;
  private backoffMs: number;
  private current: ScannerStatus;

  constructor(config: ResolvedScannerConfig, deps: ReaderDeps) {
    super();
    this.config = config;
    this.deps = deps;
    this.framer = new ScanFramer({ terminator: config.terminator, interByteTimeoutMs: config.interByteTimeoutMs });
    this.backoffMs = deps.reconnectMinMs;
    this.current = { id: config.id, path: config.path, state: 'closed', reason: 'not started', lastReadMasked: null, lastReadAt: null };
  }

  get id(): string {
    return this.config.id;
  }

  /** The port this reader holds or is opening (for auto-pick not to take it twice). */
  get claimedPath(): string | null {
    return this.currentPath;
  }

  status(): ScannerStatus {
    return { ...this.current };
  }

  /** Starts reading; resolves once the first attempt to open has succeeded or failed (then it keeps trying). */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.log(`start (${this.config.path ?? 'auto'}${this.config.auto && this.config.path ? ', auto' : ''}, ${describeLine(this.config)}, terminator ${this.config.terminator})`);
    await this.attempt();
  }

  /** Stops for good: closes the port, cancels every timer; resolves when the port is closed. */
  async stop(why = 'closed by the app'): Promise<void> {
    this.running = false;
    this.clearTimers();
    await this.inflight; // an open in progress finishes (and then closes its port) before we go on
    const port = this.port;
    this.port = null;
    this.currentPath = null;
    if (port) await closePort(port);
    this.report(this.framer.reset('scanner stopped'));
    this.setStatus('closed', why);
  }

  // ---------- opening ----------

  private attempt(): Promise<void> {
    this.retryTimer = null;
    if (!this.running || this.port || this.inflight) return this.inflight ?? Promise.resolve();
    this.inflight = this.tryOpen()
      .catch((err: unknown) => {
        // Not expected (every step catches its own errors); still never an unhandled rejection.
        this.setStatus('error', `unexpected: ${message(err)}; retrying`);
        this.scheduleRetry();
      })
      .finally(() => {
        this.inflight = null;
      });
    return this.inflight;
  }

  private async tryOpen(): Promise<void> {
    let path = this.config.path;
    let info: PortInfo | null = null;
    if (this.config.auto) {
      let ports: PortInfo[];
      try {
        ports = await withTimeout(this.deps.listPorts(), this.deps.openTimeoutMs ?? LIST_TIMEOUT_MS, 'listing the ports');
      } catch (err) {
        this.setStatus('error', `cannot list serial ports: ${message(err)}; retrying`);
        return this.scheduleRetry();
      }
      if (!this.running) return;
      info = this.pick(ports);
      if (!info) {
        const why = this.config.path ? `${this.config.path} is not there and no known scan gun is connected` : 'no known scan gun is connected';
        this.setStatus('searching', `${why}; looking`);
        return this.scheduleRetry();
      }
      path = info.path;
    }
    if (!path) return; // validation guarantees a path or auto
    this.currentPath = path;

    let port: SerialPort;
    try {
      const { SerialPort: SerialPortClass } = await loadSerialport();
      // serialport's SerialPort takes the platform binding; its options may override it (it spreads
      // them over its default), which is how MockBinding gets in for unit tests.
      const options = {
        path,
        baudRate: this.config.baudRate,
        dataBits: this.config.dataBits,
        parity: this.config.parity,
        stopBits: this.config.stopBits,
        autoOpen: false,
        ...(this.deps.binding ? { binding: this.deps.binding } : {}),
      } as ConstructorParameters<typeof SerialPortClass>[0];
      port = new SerialPortClass(options);
    } catch (err) {
      this.currentPath = null;
      this.setStatus('error', `serial port driver unavailable: ${message(err)}; retrying`);
      return this.scheduleRetry();
    }
    // A port emits 'error' for failures nobody asked about; an EventEmitter without a listener
    // would throw it and take the main process down.
    port.on('error', (err) => this.log(`port ${path}: ${err.message}`));

    const opened = new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
    try {
      await withTimeout(opened, this.deps.openTimeoutMs ?? OPEN_TIMEOUT_MS, `opening ${path}`);
    } catch (err) {
      // An open that finishes after we gave up on it is closed at once: the port is not ours.
      if (err instanceof TimeoutError) opened.then(() => closePort(port), () => undefined);
      this.currentPath = null;
      if (isAbsent(err)) this.setStatus('searching', `waiting for ${path}: ${message(err)}`, this.config.path);
      else this.setStatus('error', `cannot open ${path}: ${message(err)}; retrying`, this.config.path);
      return this.scheduleRetry();
    }
    if (!this.running) {
      this.currentPath = null;
      await closePort(port);
      return;
    }
    this.attach(port, path, info);
  }

  /** Auto-pick: the preferred path if present, else the device we had, else any known scan gun. */
  private pick(ports: PortInfo[]): PortInfo | null {
    const free = ports.filter((p) => typeof p.path === 'string' && p.path !== '' && !this.deps.isClaimedByOther(p.path, this.id));
    if (this.config.path) {
      const preferred = free.find((p) => p.path === this.config.path);
      if (preferred) return preferred;
    }
    const known = free.filter((p) => findKnownScanner(p.vendorId, p.productId));
    const r = this.remembered;
    const score = (p: PortInfo) => {
      if (!r) return 0;
      const sameModel = normalizeUsbId(p.vendorId) === r.vendorId && normalizeUsbId(p.productId) === r.productId;
      return sameModel ? (r.serialNumber !== null && p.serialNumber === r.serialNumber ? 2 : 1) : 0;
    };
    return known.sort((a, b) => score(b) - score(a))[0] ?? null;
  }

  private attach(port: SerialPort, path: string, info: PortInfo | null): void {
    this.port = port;
    this.backoffMs = this.deps.reconnectMinMs;
    if (info) {
      this.remembered = { vendorId: normalizeUsbId(info.vendorId), productId: normalizeUsbId(info.productId), serialNumber: info.serialNumber ?? null };
    }
    port.on('data', (chunk: Buffer) => {
      if (port !== this.port) return; // a late chunk of a port we let go
      this.report(this.framer.push(chunk, this.deps.now()));
      this.armFrameTimer();
    });
    port.on('close', (err: Error | null) => this.lost(port, err));
    const known = info ? findKnownScanner(info.vendorId, info.productId) : null;
    this.setStatus('open', null, path, known?.name);
  }

  /** The port closed without us asking: unplugged, or the driver gave up on it. */
  private lost(port: SerialPort, err: Error | null): void {
    if (port !== this.port) return;
    this.port = null;
    this.currentPath = null;
    port.removeAllListeners('data');
    this.clearFrameTimer();
    this.report(this.framer.reset('the device went away mid-code'));
    if (!this.running) return;
    const why = err?.message ? `device lost (${err.message})` : 'device lost (port closed)';
    // The UI hears it now; the first look happens after the shortest wait.
    this.setStatus('searching', `${why}; looking for it`, this.config.path);
    this.backoffMs = this.deps.reconnectMinMs;
    this.scheduleRetry();
  }

  private scheduleRetry(): void {
    if (!this.running || this.retryTimer) return;
    const delayMs = this.backoffMs;
    this.backoffMs = Math.min(this.backoffMs * 2, this.deps.reconnectMaxMs);
    this.retryTimer = setTimeout(() => void this.attempt(), delayMs);
    this.retryTimer.unref();
  }

  // ---------- reading ----------

  private armFrameTimer(): void {
    this.clearFrameTimer();
    const deadline = this.framer.deadlineMs();
    if (deadline === null) return;
    // +1: the timer clock and performance.now() may differ by under a millisecond.
    this.frameTimer = setTimeout(() => {
      this.frameTimer = null;
      if (!this.port) return;
      this.report(this.framer.expire(this.deps.now()));
      this.armFrameTimer();
    }, Math.max(0, deadline - this.deps.now()) + 1);
    this.frameTimer.unref();
  }

  private report(events: FrameEvent[]): void {
    for (const ev of events) {
      if (ev.type === 'dropped') {
        this.log(`dropped ${ev.bytes} byte${ev.bytes === 1 ? '' : 's'} (${ev.reason}): ${ev.detail}`);
        continue;
      }
      const scan = classifyScan(ev.code);
      const masked = maskScanForDisplay(scan);
      if (!this.deps.duplicates.accept(ev.code, this.deps.now(), this.config.duplicateWindowMs)) {
        this.log(`double read of ${masked} within ${this.config.duplicateWindowMs} ms: counted once`);
        continue;
      }
      const read: ScannerRead = {
        scannerId: this.id,
        kind: scan.kind,
        code: scan.code,
        masked,
        channel: scan.kind === 'payment' ? scan.channel : null,
        symbology: scan.kind === 'product' ? scan.symbology : null,
      };
      // The read first (it starts a payment), the status after.
      this.emit('read', read);
      this.log(`read ${scan.kind}${read.channel ? ` ${read.channel}` : ''}${read.symbology ? ` ${read.symbology}` : ''} ${masked}`);
      this.current = { ...this.current, lastReadMasked: masked, lastReadAt: new Date().toISOString() };
      this.emit('status', this.status());
    }
  }

  // ---------- status ----------

  /** `note` goes to the log only (e.g. the model of the gun that was opened). */
  private setStatus(state: ScannerStatus['state'], reason: string | null, path: string | null = this.config.path, note?: string): void {
    const prev = this.current;
    if (prev.state === state && prev.reason === reason && prev.path === path) return; // a retry that failed the same way again
    this.current = { ...prev, state, reason, path };
    this.log(`${state}${path ? ` ${path}` : ''}${note ? ` (${note})` : ''}${reason ? `: ${reason}` : ''}`);
    this.emit('status', this.status());
  }

  private log(line: string): void {
    this.deps.log(`scanner ${this.id}: ${line}`);
  }

  private clearFrameTimer(): void {
    if (this.frameTimer) clearTimeout(this.frameTimer);
    this.frameTimer = null;
  }

  private clearTimers(): void {
    this.clearFrameTimer();
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }
}

/** Closes a port and waits for it, at most CLOSE_TIMEOUT_MS; never throws. */
function closePort(port: SerialPort): Promise<void> {
  port.removeAllListeners('data');
  port.removeAllListeners('close');
  if (!port.isOpen) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, CLOSE_TIMEOUT_MS);
    port.close(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}
