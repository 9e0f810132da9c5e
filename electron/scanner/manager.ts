// ScannerManager: the scanner service of the main process. It runs one ScannerReader per configured
// scanner (the counter's gun, a fixed scanner…), lists the serial ports with the known scan guns
// marked, and re-emits every reader's reads and status changes for the IPC layer:
//   'read'   → EventPayload<'scanner.read'>   (the full code, once: the renderer starts the payment with it)
//   'status' → EventPayload<'scanner.status'> (lastReadMasked: never a payment code in clear)
import { EventEmitter } from 'node:events';
import { performance } from 'node:perf_hooks';
import type { PortInfo, SerialBinding } from './types.js';
import type { EventPayload, ScannerStatus, SerialPortView } from '../../shared/ipc/contract.js';
import { PosError } from '../../shared/ipc/errors.js';
import { sameConfig, validateScannerConfigs, type ResolvedScannerConfig, type ScannerConfig } from './config.js';
import { findKnownScanner, normalizeUsbId } from './known-devices.js';
import { RECONNECT_MAX_MS, RECONNECT_MIN_MS, ScannerReader } from './reader.js';
import { DuplicateFilter } from './framing.js';

export type { ScannerConfig } from './config.js';
export type { PortInfo, SerialBinding } from './types.js';

export interface ScannerManagerOptions {
  /** A serialport binding (MockBinding in unit tests); absent: the platform's own. */
  binding?: unknown;
  log?: (line: string) => void;
  /** How ports are listed; absent: the binding's list(). Integration tests list their pty here. */
  listPorts?: () => Promise<PortInfo[]>;
  /** Reconnect backoff bounds; default RECONNECT_MIN_MS / RECONNECT_MAX_MS. */
  reconnectMinMs?: number;
  reconnectMaxMs?: number;
  /** Limit for one open / one port listing; default OPEN_TIMEOUT_MS / LIST_TIMEOUT_MS. */
  openTimeoutMs?: number;
}

function asBinding(b: unknown): SerialBinding | undefined {
  if (b === undefined) return undefined;
  const x = b as Partial<SerialBinding> | null;
  if (!x || typeof x.open !== 'function' || typeof x.list !== 'function') {
    throw new TypeError('binding: must be a serialport binding (with open() and list())');
  }
  return x as SerialBinding;
}

export class ScannerManager extends EventEmitter<{ read: [EventPayload<'scanner.read'>]; status: [EventPayload<'scanner.status'>] }> {
  private readers = new Map<string, ScannerReader>();
  private readonly binding: SerialBinding | undefined;
  private readonly log: (line: string) => void;
  private readonly list: () => Promise<PortInfo[]>;
  private readonly reconnectMinMs: number;
  private readonly reconnectMaxMs: number;
  private readonly openTimeoutMs: number | undefined;
  /** configure() and close() run one at a time, in call order. */
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;
  /** One for all scanners, kept across reconnects and reconfiguration: a code is never read twice. */
  private readonly duplicates = new DuplicateFilter();

  constructor(opts: ScannerManagerOptions = {}) {
    super();
    this.binding = asBinding(opts.binding);
    this.log = opts.log ?? ((line) => console.log(line));
    const binding = this.binding;
    this.list =
      opts.listPorts ??
      (binding
        ? () => binding.list()
        : async () => {
            const { SerialPort } = await import('serialport');
            return SerialPort.list();
          });
    this.reconnectMinMs = opts.reconnectMinMs ?? RECONNECT_MIN_MS;
    this.reconnectMaxMs = opts.reconnectMaxMs ?? RECONNECT_MAX_MS;
    this.openTimeoutMs = opts.openTimeoutMs;
    if (!(this.reconnectMinMs > 0) || !(this.reconnectMaxMs >= this.reconnectMinMs)) {
      throw new RangeError('reconnectMinMs/reconnectMaxMs: need 0 < min ≤ max');
    }
  }

  /**
   * Applies the scanner settings: refuses the whole list (PosError 'invalid_settings', one issue per
   * field) or stops the scanners that were removed or changed and starts the new ones. Unchanged
   * scanners keep their port open. Resolves once every new scanner has made its first attempt to
   * open (status() then says open / searching / error); they keep trying in the background.
   */
  configure(configs: ScannerConfig[]): Promise<void> {
    let next: ResolvedScannerConfig[];
    try {
      next = validateScannerConfigs(configs);
    } catch (err) {
      return Promise.reject(err);
    }
    return this.serial(async () => {
      if (this.closed) throw new PosError('unavailable', 'scanners: the scanner service is closed');
      await this.apply(next);
    });
  }

  /** The serial ports of this PC, each with the known scan gun it is (by USB ids), if any. */
  async listPorts(): Promise<SerialPortView[]> {
    let ports: PortInfo[];
    try {
      ports = await this.list();
    } catch (err) {
      throw new PosError('unavailable', `scanners: cannot list serial ports (${err instanceof Error ? err.message : String(err)})`);
    }
    return ports.map((p) => ({
      path: p.path,
      manufacturer: p.manufacturer ?? null,
      vendorId: normalizeUsbId(p.vendorId),
      productId: normalizeUsbId(p.productId),
      knownScanner: findKnownScanner(p.vendorId, p.productId)?.name ?? null,
    }));
  }

  /** One status per configured scanner, in the order of the settings. */
  status(): ScannerStatus[] {
    return [...this.readers.values()].map((r) => r.status());
  }

  /** Stops every scanner and closes its port. Afterwards configure() is refused. */
  close(): Promise<void> {
    return this.serial(async () => {
      this.closed = true;
      await this.apply([], 'closed by the app');
    });
  }

  private serial<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async apply(next: ResolvedScannerConfig[], whyStopped = 'removed from the settings'): Promise<void> {
    const wanted = new Map(next.map((c) => [c.id, c]));
    // Stop first: a port moving from one scanner to another must be free before it is opened again.
    for (const [id, reader] of this.readers) {
      const c = wanted.get(id);
      if (c && sameConfig(c, reader.config)) continue;
      await reader.stop(c ? 'settings changed: reopening' : whyStopped);
      reader.removeAllListeners();
      this.readers.delete(id);
    }
    const ordered = new Map<string, ScannerReader>();
    const fresh: ScannerReader[] = [];
    for (const c of next) {
      let reader = this.readers.get(c.id);
      if (!reader) {
        reader = this.createReader(c);
        fresh.push(reader);
      }
      ordered.set(c.id, reader);
    }
    this.readers = ordered;
    await Promise.all(fresh.map((r) => r.start()));
  }

  private createReader(config: ResolvedScannerConfig): ScannerReader {
    const reader = new ScannerReader(config, {
      binding: this.binding,
      listPorts: this.list,
      log: this.log,
      isClaimedByOther: (path, readerId) => {
        for (const r of this.readers.values()) {
          if (r.id !== readerId && (r.config.path === path || r.claimedPath === path)) return true;
        }
        return false;
      },
      reconnectMinMs: this.reconnectMinMs,
      reconnectMaxMs: this.reconnectMaxMs,
      openTimeoutMs: this.openTimeoutMs,
      now: () => performance.now(),
      duplicates: this.duplicates,
    });
    reader.on('read', (read) => this.emit('read', read));
    reader.on('status', (status) => this.emit('status', status));
    return reader;
  }
}
