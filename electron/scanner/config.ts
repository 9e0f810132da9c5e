// Scanner configuration: the shape the settings store keeps (shared/settings.ts scannerConfigSchema,
// the one schema for a scanner's fields) plus the rules across scanners, and the defaults.
import { scannerConfigSchema } from '../../shared/settings.js';
import { PosError, type IpcIssue } from '../../shared/ipc/errors.js';
import { DEFAULT_DUPLICATE_WINDOW_MS, DEFAULT_INTER_BYTE_TIMEOUT_MS, type Terminator } from './framing.js';

export interface ScannerConfig {
  id: string;
  /** Open exactly this port. With `auto` too: prefer this port while it is there, else any known gun. */
  path?: string;
  /** Pick the port by the USB vendor/product ids of a known scan gun (known-devices.ts). */
  auto?: boolean;
  baudRate?: number;
  dataBits?: 5 | 6 | 7 | 8;
  parity?: 'none' | 'even' | 'odd' | 'mark' | 'space';
  stopBits?: 1 | 1.5 | 2;
  terminator?: Terminator;
  interByteTimeoutMs?: number;
  duplicateWindowMs?: number;
}

/** Scan guns leave the factory at 9600 8N1 with a CR suffix (Honeywell, Zebra, Datalogic, Newland). */
export const DEFAULT_BAUD_RATE = 9600;
export const DEFAULT_TERMINATOR: Terminator = 'CR';
/** The counter's gun and a fixed scanner, and room for two more; the settings store has the same limit. */
export const MAX_SCANNERS = 4;

export interface ResolvedScannerConfig {
  id: string;
  path: string | null;
  auto: boolean;
  baudRate: number;
  dataBits: 5 | 6 | 7 | 8;
  parity: 'none' | 'even' | 'odd' | 'mark' | 'space';
  stopBits: 1 | 1.5 | 2;
  terminator: Terminator;
  interByteTimeoutMs: number;
  duplicateWindowMs: number;
}

function resolve(c: ScannerConfig): ResolvedScannerConfig {
  return {
    id: c.id,
    path: c.path ?? null,
    auto: c.auto ?? false,
    baudRate: c.baudRate ?? DEFAULT_BAUD_RATE,
    dataBits: c.dataBits ?? 8,
    parity: c.parity ?? 'none',
    stopBits: c.stopBits ?? 1,
    terminator: c.terminator ?? DEFAULT_TERMINATOR,
    interByteTimeoutMs: c.interByteTimeoutMs ?? DEFAULT_INTER_BYTE_TIMEOUT_MS,
    duplicateWindowMs: c.duplicateWindowMs ?? DEFAULT_DUPLICATE_WINDOW_MS,
  };
}

export function sameConfig(a: ResolvedScannerConfig, b: ResolvedScannerConfig): boolean {
  return (Object.keys(a) as (keyof ResolvedScannerConfig)[]).every((k) => a[k] === b[k]);
}

/** "9600 8N1" */
export function describeLine(c: ResolvedScannerConfig): string {
  return `${c.baudRate} ${c.dataBits}${c.parity[0]!.toUpperCase()}${c.stopBits}`;
}

/**
 * Checks every scanner and the rules across them; refuses the whole list with one issue per bad
 * field (`scanners.N.field: rule`), or returns the configs with defaults filled in.
 */
export function validateScannerConfigs(configs: unknown): ResolvedScannerConfig[] {
  const issues: IpcIssue[] = [];
  const add = (path: string, rule: string) => issues.push({ path, message: `${path}: ${rule}` });
  if (!Array.isArray(configs)) {
    add('scanners', 'must be a list of scanners');
  } else {
    if (configs.length > MAX_SCANNERS) add('scanners', `at most ${MAX_SCANNERS} scanners`);
    const ids = new Map<string, number>();
    const paths = new Map<string, number>();
    configs.forEach((raw, i) => {
      const parsed = scannerConfigSchema.safeParse(raw);
      if (!parsed.success) {
        for (const issue of parsed.error.issues) {
          const field = issue.path.length ? `.${issue.path.join('.')}` : '';
          add(`scanners.${i}${field}`, issue.message);
        }
        return;
      }
      const c = parsed.data;
      if (ids.has(c.id)) add(`scanners.${i}.id`, `"${c.id}" is already used by scanners.${ids.get(c.id)}`);
      else ids.set(c.id, i);
      if (c.path !== undefined && c.path.trim() === '') add(`scanners.${i}.path`, 'must not be empty (leave it out and set auto to pick the port automatically)');
      if (!c.path && !c.auto) add(`scanners.${i}.path`, 'give a port path, or set auto to pick a known scan gun automatically');
      if (c.path) {
        // Two readers on one port would split its bytes between them: each code read half.
        if (paths.has(c.path)) add(`scanners.${i}.path`, `${c.path} is already used by scanners.${paths.get(c.path)}`);
        else paths.set(c.path, i);
      }
    });
  }
  if (issues.length) {
    throw new PosError('invalid_settings', `scanner settings refused: ${issues.map((i) => i.message).join('; ')}`, { issues });
  }
  return (configs as ScannerConfig[]).map(resolve);
}
