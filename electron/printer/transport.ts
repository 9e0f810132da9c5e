// How the bytes reach the printer: a serial port (serialport), a network printer's raw port
// (TCP 9100, "JetDirect"), or a file / device node (/dev/usb/lp0, a spool file).
//
// One link is opened per job and closed after it: a network printer serves one connection at a
// time, a serial port can be opened by one owner only, and a printer unplugged between jobs is
// found out at the next job instead of holding a dead handle. Every step has a named time limit;
// a step that runs out fails with a TransportError naming the target, the step and the limit.
import net from 'node:net';
import { open as openFile, type FileHandle } from 'node:fs/promises';
import { SerialPort } from 'serialport';
import type { StatusLink } from './status.js';

export const TCP_CONNECT_TIMEOUT_MS = 3_000;
export const TCP_WRITE_TIMEOUT_MS = 10_000;
/** After our FIN, how long we wait for the printer to close its side before we drop the socket. */
export const TCP_CLOSE_TIMEOUT_MS = 2_000;
export const SERIAL_OPEN_TIMEOUT_MS = 3_000;
/** A serial write may take as long as the bits need at the baud rate, times this slack, plus the base. */
export const SERIAL_WRITE_TIMEOUT_BASE_MS = 5_000;
export const SERIAL_WRITE_TIMEOUT_SLACK = 3;
export const SERIAL_CLOSE_TIMEOUT_MS = 2_000;
export const FILE_OPEN_TIMEOUT_MS = 3_000;
export const FILE_WRITE_TIMEOUT_MS = 10_000;
/** Bytes the printer sends us that nobody asked for (auto status back…) are kept up to this many. */
export const MAX_REPLY_BUFFER_BYTES = 1_024;

export type TransportErrorCode =
  | 'connect_refused' // nothing listens there / the device node is missing
  | 'connect_timeout' // no answer to the connection attempt in time
  | 'connect_failed' // any other failure to open
  | 'write_timeout' // the printer did not take the bytes in time (buffer full, offline, flow control)
  | 'write_failed'
  | 'closed'; // the link closed under us

export class TransportError extends Error {
  override name = 'TransportError';
  constructor(
    readonly code: TransportErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export interface PrinterLink extends StatusLink {
  /** Resolves once the bytes are handed to the OS (and, on serial, transmitted). */
  write(bytes: Uint8Array): Promise<void>;
  close(): Promise<void>;
}

export interface PrinterTransport {
  readonly kind: 'serial' | 'tcp' | 'file';
  /** "tcp 192.168.1.50:9100", for messages. */
  readonly target: string;
  /** Whether the link can carry DLE EOT status answers back. */
  readonly reportsStatus: boolean;
  open(): Promise<PrinterLink>;
}

/** Races a promise against a timer; on time-out calls `onTimeout` and rejects with its error. */
function within<T>(p: Promise<T>, ms: number, onTimeout: () => TransportError): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(onTimeout()), ms);
    p.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}

/** Collects bytes the printer sends; a request clears it, writes, and waits for its answer. */
class ReplyBuffer {
  private buf = Buffer.alloc(0);
  private waiter: { n: number; resolve: (b: Uint8Array | null) => void; timer: NodeJS.Timeout } | null = null;

  push(data: Buffer): void {
    this.buf = Buffer.concat([this.buf, data]);
    if (this.buf.length > MAX_REPLY_BUFFER_BYTES) this.buf = this.buf.subarray(this.buf.length - MAX_REPLY_BUFFER_BYTES);
    this.check();
  }

  private check(): void {
    const w = this.waiter;
    if (w && this.buf.length >= w.n) {
      clearTimeout(w.timer);
      this.waiter = null;
      const out = this.buf.subarray(0, w.n);
      this.buf = this.buf.subarray(w.n);
      w.resolve(out);
    }
  }

  /** Ends a pending wait with no answer (link closed). */
  abort(): void {
    const w = this.waiter;
    if (w) {
      clearTimeout(w.timer);
      this.waiter = null;
      w.resolve(null);
    }
  }

  async request(send: () => Promise<void>, n: number, timeoutMs: number): Promise<Uint8Array | null> {
    if (this.waiter) throw new Error('ReplyBuffer: one request at a time');
    this.buf = Buffer.alloc(0); // unsolicited bytes before the question are not its answer
    const answer = new Promise<Uint8Array | null>((resolve) => {
      const timer = setTimeout(() => {
        this.waiter = null;
        resolve(null);
      }, timeoutMs);
      this.waiter = { n, resolve, timer };
    });
    try {
      await send();
    } catch (e) {
      this.abort();
      throw e;
    }
    this.check();
    return answer;
  }
}

// ---------- TCP 9100 ----------
export interface TcpTransportOptions {
  host: string;
  port: number;
  connectTimeoutMs?: number;
  writeTimeoutMs?: number;
}

export class TcpTransport implements PrinterTransport {
  readonly kind = 'tcp';
  readonly reportsStatus = true;
  readonly target: string;
  constructor(private readonly o: TcpTransportOptions) {
    this.target = `tcp ${o.host}:${o.port}`;
  }

  async open(): Promise<PrinterLink> {
    const connectMs = this.o.connectTimeoutMs ?? TCP_CONNECT_TIMEOUT_MS;
    const writeMs = this.o.writeTimeoutMs ?? TCP_WRITE_TIMEOUT_MS;
    const target = this.target;
    const socket = new net.Socket();
    const replies = new ReplyBuffer();
    let closed = false;
    let lastError: Error | null = null;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new TransportError('connect_timeout', `${target}: no connection within ${connectMs} ms (TCP_CONNECT_TIMEOUT_MS)`));
      }, connectMs);
      socket.once('error', (e: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        socket.destroy();
        reject(
          e.code === 'ECONNREFUSED'
            ? new TransportError('connect_refused', `${target}: connection refused (is the printer on and is this its address?)`)
            : new TransportError('connect_failed', `${target}: cannot connect: ${e.code ?? e.message}`),
        );
      });
      socket.connect({ host: this.o.host, port: this.o.port }, () => {
        clearTimeout(timer);
        socket.removeAllListeners('error');
        resolve();
      });
    });
    socket.setNoDelay(true);
    socket.on('data', (d: Buffer) => replies.push(d));
    socket.on('error', (e) => {
      lastError = e;
    });
    socket.on('close', () => {
      closed = true;
      replies.abort();
    });
    const write = (bytes: Uint8Array): Promise<void> => {
      if (closed || socket.destroyed) {
        return Promise.reject(new TransportError('closed', `${target}: the printer closed the connection${lastError ? ` (${lastError.message})` : ''}`));
      }
      return within(
        new Promise<void>((resolve, reject) => {
          socket.write(bytes, (err) => (err ? reject(new TransportError('write_failed', `${target}: write failed: ${err.message}`)) : resolve()));
        }),
        writeMs,
        () => {
          socket.destroy();
          return new TransportError('write_timeout', `${target}: the printer did not take ${bytes.length} bytes within ${writeMs} ms (TCP_WRITE_TIMEOUT_MS)`);
        },
      );
    };
    return {
      write,
      request: (bytes, n, timeoutMs) => replies.request(() => write(bytes), n, timeoutMs),
      close: async () => {
        if (socket.destroyed) return;
        // Half-close and let the printer close its side: dropping a socket with unread bytes
        // from the printer would reset the connection and could discard data still in flight.
        socket.end();
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, TCP_CLOSE_TIMEOUT_MS);
          socket.once('close', () => {
            clearTimeout(timer);
            resolve();
          });
        });
        socket.destroy();
      },
    };
  }
}

// ---------- serial ----------
export interface SerialTransportOptions {
  path: string;
  baudRate: number;
  /** Hardware flow control: a printer out of paper holds CTS low and the write times out. */
  rtscts?: boolean;
  openTimeoutMs?: number;
}

export class SerialTransport implements PrinterTransport {
  readonly kind = 'serial';
  readonly reportsStatus = true;
  readonly target: string;
  constructor(private readonly o: SerialTransportOptions) {
    this.target = `serial ${o.path} @${o.baudRate}`;
  }

  async open(): Promise<PrinterLink> {
    const target = this.target;
    const openMs = this.o.openTimeoutMs ?? SERIAL_OPEN_TIMEOUT_MS;
    const port = new SerialPort({ path: this.o.path, baudRate: this.o.baudRate, rtscts: this.o.rtscts ?? false, autoOpen: false });
    const replies = new ReplyBuffer();
    await within(
      new Promise<void>((resolve, reject) =>
        port.open((err) => {
          if (!err) return resolve();
          const missing = /ENOENT|No such file|cannot open/i.test(err.message);
          reject(new TransportError(missing ? 'connect_refused' : 'connect_failed', `${target}: cannot open: ${err.message}`));
        }),
      ),
      openMs,
      () => new TransportError('connect_timeout', `${target}: not open within ${openMs} ms (SERIAL_OPEN_TIMEOUT_MS)`),
    );
    // Drop whatever waited in the OS buffers (answers to questions of an earlier job).
    try {
      await within(
        new Promise<void>((resolve) => port.flush(() => resolve())),
        SERIAL_OPEN_TIMEOUT_MS,
        () => new TransportError('connect_timeout', `${target}: flush took longer than ${SERIAL_OPEN_TIMEOUT_MS} ms (SERIAL_OPEN_TIMEOUT_MS)`),
      );
    } catch (e) {
      port.close(() => undefined);
      throw e;
    }
    port.on('data', (d: Buffer) => replies.push(d));
    port.on('error', () => {
      /* surfaces through write/close callbacks; an unhandled 'error' would crash main */
    });
    port.on('close', () => replies.abort());
    const write = (bytes: Uint8Array): Promise<void> => {
      if (!port.isOpen) return Promise.reject(new TransportError('closed', `${target}: the port closed`));
      // 10 bits per byte on the wire (start + 8 + stop).
      const wireMs = Math.ceil((bytes.length * 10 * 1000) / this.o.baudRate);
      const limitMs = SERIAL_WRITE_TIMEOUT_BASE_MS + wireMs * SERIAL_WRITE_TIMEOUT_SLACK;
      return within(
        new Promise<void>((resolve, reject) => {
          port.write(Buffer.from(bytes), (err) => {
            if (err) return reject(new TransportError('write_failed', `${target}: write failed: ${err.message}`));
            port.drain((e) => (e ? reject(new TransportError('write_failed', `${target}: drain failed: ${e.message}`)) : resolve()));
          });
        }),
        limitMs,
        () => new TransportError('write_timeout', `${target}: the printer did not take ${bytes.length} bytes within ${limitMs} ms (SERIAL_WRITE_TIMEOUT_BASE_MS + ${SERIAL_WRITE_TIMEOUT_SLACK}× wire time)`),
      );
    };
    return {
      write,
      request: (bytes, n, timeoutMs) => replies.request(() => write(bytes), n, timeoutMs),
      close: async () => {
        if (!port.isOpen) return;
        await within(
          new Promise<void>((resolve) => port.close(() => resolve())),
          SERIAL_CLOSE_TIMEOUT_MS,
          () => new TransportError('closed', `${target}: close took longer than ${SERIAL_CLOSE_TIMEOUT_MS} ms`),
        ).catch(() => undefined); // a port that will not close is abandoned; the next job reopens it
      },
    };
  }
}

// ---------- file / device node ----------
export interface FileTransportOptions {
  path: string;
}

/**
 * Appends each job to a file or device node. A file reports no status: on Linux a USB printer
 * class device (/dev/usb/lp0) takes the bytes, but DLE EOT answers are not read back here.
 */
export class FileTransport implements PrinterTransport {
  readonly kind = 'file';
  readonly reportsStatus = false;
  readonly target: string;
  constructor(private readonly o: FileTransportOptions) {
    this.target = `file ${o.path}`;
  }

  async open(): Promise<PrinterLink> {
    const target = this.target;
    let fh: FileHandle;
    try {
      fh = await within(openFile(this.o.path, 'a'), FILE_OPEN_TIMEOUT_MS, () => new TransportError('connect_timeout', `${target}: not open within ${FILE_OPEN_TIMEOUT_MS} ms (FILE_OPEN_TIMEOUT_MS)`));
    } catch (e) {
      if (e instanceof TransportError) throw e;
      const err = e as NodeJS.ErrnoException;
      throw new TransportError(err.code === 'ENOENT' ? 'connect_refused' : 'connect_failed', `${target}: cannot open: ${err.code ?? err.message}`);
    }
    let open = true;
    return {
      write: async (bytes) => {
        if (!open) throw new TransportError('closed', `${target}: closed`);
        try {
          await within(fh.writeFile(bytes), FILE_WRITE_TIMEOUT_MS, () => new TransportError('write_timeout', `${target}: write took longer than ${FILE_WRITE_TIMEOUT_MS} ms (FILE_WRITE_TIMEOUT_MS)`));
        } catch (e) {
          if (e instanceof TransportError) throw e;
          throw new TransportError('write_failed', `${target}: write failed: ${(e as Error).message}`);
        }
      },
      request: () => Promise.resolve(null),
      close: async () => {
        if (!open) return;
        open = false;
        await fh.close().catch(() => undefined);
      },
    };
  }
}
