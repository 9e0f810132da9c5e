// Printer settings, validated field by field. The settings room stores them; this schema says
// what is valid and gives every refusal a path and a rule.
import { z } from 'zod';
import { STATUS_REPLY_TIMEOUT_MS } from './status.js';
import { DEFAULT_DRAWER_PULSE } from './escpos.js';
import { FileTransport, SerialTransport, TcpTransport, type PrinterTransport } from './transport.js';

export const SERIAL_BAUD_RATES = [9600, 19200, 38400, 57600, 115200] as const;
export const RAW_PRINT_PORT = 9100;

const timeZone = z.string().refine((tz) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}, 'must be an IANA time zone such as Asia/Shanghai');

export const printerConfigSchema = z.strictObject({
  transport: z.discriminatedUnion('type', [
    z.strictObject({
      type: z.literal('serial'),
      path: z.string().min(1, 'must name the serial port, e.g. /dev/ttyUSB0 or COM3'),
      baudRate: z
        .number()
        .refine((r) => (SERIAL_BAUD_RATES as readonly number[]).includes(r), `must be one of ${SERIAL_BAUD_RATES.join(', ')}`)
        .default(9600),
      rtscts: z.boolean().default(false),
    }),
    z.strictObject({
      type: z.literal('tcp'),
      host: z.string().min(1, 'must be the printer’s IP address or host name').max(253),
      port: z.number().int().min(1, 'must be 1–65535').max(65535, 'must be 1–65535').default(RAW_PRINT_PORT),
      connectTimeoutMs: z.number().int().min(100).max(30_000).optional(),
    }),
    z.strictObject({
      type: z.literal('file'),
      path: z.string().min(1, 'must name a file or device, e.g. /dev/usb/lp0'),
    }),
  ]),
  paper: z.enum(['58mm', '80mm']).default('80mm'),
  /**
   * required — a printer that does not answer DLE EOT is treated as not there (the job fails,
   *            stays retryable): the only way to notice a dead serial printer.
   * optional — ask, but print anyway when it does not answer (printers without status support).
   * off      — never ask.
   * Only transports that can carry an answer back (serial, TCP) ask.
   */
  statusCheck: z.enum(['required', 'optional', 'off']).default('required'),
  statusTimeoutMs: z.number().int().min(100, 'must be 100–10000 ms').max(10_000, 'must be 100–10000 ms').default(STATUS_REPLY_TIMEOUT_MS),
  cut: z.boolean().default(true),
  /** null: no cash drawer on this printer. */
  drawer: z
    .strictObject({
      pin: z.union([z.literal(2), z.literal(5)]),
      onMs: z.number().int().min(2, 'must be 2–510 ms').max(510, 'must be 2–510 ms'),
      offMs: z.number().int().min(2, 'must be 2–510 ms').max(510, 'must be 2–510 ms'),
    })
    .nullable()
    .default(DEFAULT_DRAWER_PULSE),
  qrOutTradeNo: z.boolean().default(true),
  locale: z.enum(['zh-CN', 'en']).default('zh-CN'),
  timeZone: timeZone.optional(),
});

export type PrinterConfig = z.output<typeof printerConfigSchema>;
export type PrinterConfigInput = z.input<typeof printerConfigSchema>;

export function parsePrinterConfig(input: unknown): { ok: true; config: PrinterConfig } | { ok: false; issues: Array<{ path: string; message: string }> } {
  const r = printerConfigSchema.safeParse(input);
  if (r.success) return { ok: true, config: r.data };
  return { ok: false, issues: r.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message })) };
}

export function transportFor(config: PrinterConfig): PrinterTransport {
  const t = config.transport;
  switch (t.type) {
    case 'serial':
      return new SerialTransport({ path: t.path, baudRate: t.baudRate, rtscts: t.rtscts });
    case 'tcp':
      return new TcpTransport({ host: t.host, port: t.port, connectTimeoutMs: t.connectTimeoutMs });
    case 'file':
      return new FileTransport({ path: t.path });
  }
}

/**
 * The printer settings of shared/settings.ts (`printer`: '' | serial:PATH[@BAUD] | tcp:HOST[:PORT]
 * | file:PATH, `paperWidthMm`, `language`) as a PrinterConfig; null when no printer is set.
 * Options the settings do not carry keep their defaults (status check required, cut, drawer pin 2).
 */
export function printerConfigFromSettings(s: { printer: string; paperWidthMm: 58 | 80; language: 'zh-CN' | 'en' }):
  | { ok: true; config: PrinterConfig | null }
  | { ok: false; issues: Array<{ path: string; message: string }> } {
  const text = s.printer.trim();
  if (text === '') return { ok: true, config: null };
  const bad = (message: string) => ({ ok: false as const, issues: [{ path: 'printer', message }] });
  let transport: PrinterConfigInput['transport'];
  let m: RegExpExecArray | null;
  if ((m = /^serial:(.+?)(?:@(\d+))?$/.exec(text))) {
    transport = { type: 'serial', path: m[1]!, baudRate: m[2] ? Number(m[2]) : 9600 };
  } else if ((m = /^tcp:([^:\s]+)(?::(\d{1,5}))?$/.exec(text))) {
    transport = { type: 'tcp', host: m[1]!, port: m[2] ? Number(m[2]) : RAW_PRINT_PORT };
  } else if ((m = /^file:(.+)$/.exec(text))) {
    transport = { type: 'file', path: m[1]! };
  } else {
    return bad('must be empty, serial:PATH[@BAUD], tcp:HOST[:PORT] or file:PATH');
  }
  const r = parsePrinterConfig({ transport, paper: s.paperWidthMm === 58 ? '58mm' : '80mm', locale: s.language });
  if (!r.ok) return { ok: false, issues: r.issues.map((i) => ({ path: 'printer', message: `${i.path}: ${i.message}` })) };
  return { ok: true, config: r.config };
}
