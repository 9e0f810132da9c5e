// serialport's MockBinding with a plug: a port can be pulled out (its pending read fails the way a
// real unplugged device's does, so serialport reports a disconnect) and put back, at the same path
// or another. Only serialport's binding is stood in for; our modules run as they are.
// @ts-expect-error -- the package's "exports" map carries no types for our bundler resolution; typed below.
import { MockBinding as untypedMockBinding } from '@serialport/binding-mock';
import type { PortInfo } from '../../../electron/scanner/types.js';

interface CreatePortOptions {
  vendorId?: string;
  productId?: string;
  manufacturer?: string;
}
type OpenOptions = { path: string; baudRate: number } & Record<string, unknown>;
/** The part of @serialport/binding-mock's MockPortBinding used here. */
interface MockPortBinding {
  readonly openOptions: object;
  isOpen: boolean;
  emitData(data: Buffer | string): void;
  close(): Promise<void>;
  read(buffer: Buffer, offset: number, length: number): Promise<{ buffer: Buffer; bytesRead: number }>;
  write(buffer: Buffer): Promise<void>;
  update(options: { baudRate: number }): Promise<void>;
  set(options: object): Promise<void>;
  get(): Promise<object>;
  getBaudRate(): Promise<{ baudRate: number }>;
  flush(): Promise<void>;
  drain(): Promise<void>;
}
const MockBinding = untypedMockBinding as {
  reset(): void;
  createPort(path: string, opt?: CreatePortOptions): void;
  list(): Promise<PortInfo[]>;
  open(options: OpenOptions): Promise<MockPortBinding>;
};

/** Wraps one opened MockPortBinding; everything is delegated except what unplugging changes. */
class PluggablePort {
  private failPendingRead: ((err: Error) => void) | null = null;
  private unplugged = false;
  private closed = false;
  constructor(readonly inner: MockPortBinding) {}

  get openOptions() {
    return this.inner.openOptions;
  }
  get isOpen() {
    return !this.closed;
  }
  read(buffer: Buffer, offset: number, length: number) {
    if (this.unplugged) return Promise.reject(Object.assign(new Error('EIO: device unplugged'), { code: 'EIO' }));
    return new Promise<{ buffer: Buffer; bytesRead: number }>((resolve, reject) => {
      this.failPendingRead = reject;
      this.inner.read(buffer, offset, length).then(resolve, reject);
    });
  }
  /** As the kernel does when the USB device goes: the read in progress fails (not "canceled"). */
  unplug(): void {
    if (this.unplugged) return;
    this.unplugged = true;
    this.failPendingRead?.(Object.assign(new Error('EIO: device unplugged'), { code: 'EIO' }));
    void this.inner.close().catch(() => undefined);
  }
  async close(): Promise<void> {
    this.closed = true;
    if (!this.unplugged && this.inner.isOpen) await this.inner.close();
  }
  write(b: Buffer) {
    return this.inner.write(b);
  }
  update(o: { baudRate: number }) {
    return this.inner.update(o);
  }
  set(o: object) {
    return this.inner.set(o);
  }
  get() {
    return this.inner.get();
  }
  getBaudRate() {
    return this.inner.getBaudRate();
  }
  flush() {
    return this.inner.flush();
  }
  drain() {
    return this.inner.drain();
  }
}

export class MockPorts {
  private readonly absent = new Set<string>();
  private readonly opened = new Map<string, PluggablePort>();
  /** How many times each path was opened (a reconnect opens it again). */
  readonly opens = new Map<string, number>();

  constructor() {
    MockBinding.reset();
  }

  readonly binding = {
    list: async () => (await MockBinding.list()).filter((p) => !this.absent.has(p.path)),
    open: async (options: OpenOptions) => {
      if (this.absent.has(options.path)) {
        throw Object.assign(new Error(`ENOENT: no such file or directory, open '${options.path}'`), { code: 'ENOENT' });
      }
      const port = new PluggablePort(await MockBinding.open(options));
      this.opened.set(options.path, port);
      this.opens.set(options.path, (this.opens.get(options.path) ?? 0) + 1);
      return port;
    },
  };

  create(path: string, opt: CreatePortOptions = {}): void {
    MockBinding.createPort(path, opt);
    this.absent.delete(path);
  }

  isOpen(path: string): boolean {
    return this.opened.get(path)?.isOpen ?? false;
  }

  /** Bytes from the gun. */
  send(path: string, data: string | Buffer): void {
    const port = this.opened.get(path);
    if (!port || !port.isOpen) throw new Error(`${path} is not open`);
    port.inner.emitData(data);
  }

  unplug(path: string): void {
    this.absent.add(path);
    this.opened.get(path)?.unplug();
  }

  plugIn(path: string): void {
    this.absent.delete(path);
  }
}

/** Polls until `check` holds (no timing is asserted: the limit only stops a broken test). */
export async function waitFor(check: () => boolean, what: string, limitMs = 15_000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > limitMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
