// The gateway writes times in three formats (gateway-api.zh.txt, per method):
//   yyyyMMddHHmmss        weixin.scan_qr_code_pay pay_time
//   yyMMddHHmmss          trade.query [银联] pay_time (its printed example has 14 digits, so
//                         14 digits are accepted there too)
//   yyyy-MM-dd HH:mm:ss   callbacks' pay_time
// Inside the app every time is ISO local time without zone: `yyyy-MM-ddTHH:mm:ss`. The gateway
// runs on China time; the till is assumed to be in the same zone, so no zone arithmetic is done.

export type WireTimeFormat = 'yyyyMMddHHmmss' | 'yyMMddHHmmss' | 'yyyy-MM-dd HH:mm:ss';
export const WIRE_TIME_FORMATS: readonly WireTimeFormat[] = ['yyyyMMddHHmmss', 'yyMMddHHmmss', 'yyyy-MM-dd HH:mm:ss'];

/** ISO local time as the app keeps it: `2009-12-25T09:10:10`. */
export type LocalIso = string;

const PATTERNS: ReadonlyArray<[WireTimeFormat | 'iso', RegExp]> = [
  ['yyyyMMddHHmmss', /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/],
  ['yyMMddHHmmss', /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/],
  ['yyyy-MM-dd HH:mm:ss', /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/],
  ['iso', /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})$/],
];

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

const pad2 = (n: number): string => String(n).padStart(2, '0');

export interface ParsedWireTime {
  iso: LocalIso;
  format: WireTimeFormat | 'iso';
}

/**
 * Reads a time in any of the three wire formats (or already ISO) and checks it is a real
 * calendar time. Two-digit years are 20yy. Returns null for anything else.
 */
export function parseWireTime(text: unknown): ParsedWireTime | null {
  if (typeof text !== 'string') return null;
  const t = text.trim();
  for (const [format, re] of PATTERNS) {
    const m = re.exec(t);
    if (!m) continue;
    const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
    const year = format === 'yyMMddHHmmss' ? 2000 + y : y;
    if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(year, mo) || h > 23 || mi > 59 || s > 59) return null;
    return { iso: `${String(year).padStart(4, '0')}-${pad2(mo)}-${pad2(d)}T${pad2(h)}:${pad2(mi)}:${pad2(s)}`, format };
  }
  return null;
}

/** Wire time → ISO local, or null when it is not a valid time in a known format. */
export function normaliseWireTime(text: unknown): LocalIso | null {
  return parseWireTime(text)?.iso ?? null;
}

/** A Date → ISO local (`yyyy-MM-ddTHH:mm:ss`) in the process's time zone. */
export function toLocalIso(date: Date): LocalIso {
  return `${date.getFullYear()}-${pad2(date.getMonth() + 1)}-${pad2(date.getDate())}T${pad2(date.getHours())}:${pad2(date.getMinutes())}:${pad2(date.getSeconds())}`;
}

/** ISO local → the given wire format. Throws on a malformed ISO time (a bug, not an input). */
export function formatWireTime(iso: LocalIso, format: WireTimeFormat): string {
  const p = parseWireTime(iso);
  if (!p || p.format !== 'iso') throw new RangeError(`not an ISO local time: ${iso}`);
  const [date, time] = p.iso.split('T') as [string, string];
  const [y, mo, d] = date.split('-') as [string, string, string];
  const [h, mi, s] = time.split(':') as [string, string, string];
  switch (format) {
    case 'yyyyMMddHHmmss':
      return `${y}${mo}${d}${h}${mi}${s}`;
    case 'yyMMddHHmmss':
      return `${y.slice(2)}${mo}${d}${h}${mi}${s}`;
    case 'yyyy-MM-dd HH:mm:ss':
      return `${y}-${mo}-${d} ${h}:${mi}:${s}`;
  }
}
