// The goods settings of a till (kept in the journal's goods_settings table): 抹零 rule, the
// discount above which the manager PIN is needed, and the layout of the shop's scale labels.
import type Database from 'better-sqlite3';
import { checkScaleFormat, DEFAULT_SCALE_FORMAT, type ScaleFormat } from '../../shared/goods/barcode.js';
import type { RoundingRule } from '../../shared/goods/sale.js';
import { PosError } from '../../shared/ipc/errors.js';

export interface GoodsConfig {
  rounding: RoundingRule;
  /** A discount (lines + order) above this share of the subtotal needs the manager PIN (bp: 2000 = 20%). */
  discountThresholdBp: number;
  /** … or above this amount. */
  discountThresholdFen: number;
  scale: ScaleFormat;
}

export const DEFAULT_GOODS_CONFIG: GoodsConfig = { rounding: 'none', discountThresholdBp: 2000, discountThresholdFen: 5000, scale: DEFAULT_SCALE_FORMAT };

export function checkGoodsConfig(c: GoodsConfig): string | null {
  if (!['none', 'jiao', 'yuan'].includes(c.rounding)) return "rounding: must be 'none', 'jiao' (0.1 yuan) or 'yuan'";
  if (!Number.isInteger(c.discountThresholdBp) || c.discountThresholdBp < 0 || c.discountThresholdBp > 10_000) return 'discountThresholdBp: must be 0–10000';
  if (!Number.isSafeInteger(c.discountThresholdFen) || c.discountThresholdFen < 0) return 'discountThresholdFen: must be a whole number of fen ≥ 0';
  return checkScaleFormat(c.scale);
}

export class GoodsConfigStore {
  private cached: GoodsConfig | null = null;

  constructor(private readonly db: Database.Database) {}

  get(): GoodsConfig {
    if (this.cached) return this.cached;
    const rows = this.db.prepare('SELECT key, value FROM goods_settings').all() as { key: string; value: string }[];
    const stored = Object.fromEntries(rows.map((r) => [r.key, JSON.parse(r.value) as unknown]));
    const merged = { ...DEFAULT_GOODS_CONFIG, ...stored } as GoodsConfig;
    this.cached = checkGoodsConfig(merged) === null ? merged : DEFAULT_GOODS_CONFIG;
    return this.cached;
  }

  save(next: Partial<GoodsConfig>): GoodsConfig {
    const merged = { ...this.get(), ...next };
    const problem = checkGoodsConfig(merged);
    if (problem) throw new PosError('invalid_payload', problem, { issues: [{ path: problem.split(':')[0]!, message: problem }] });
    const put = this.db.prepare('INSERT INTO goods_settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value');
    this.db.transaction(() => {
      for (const [k, v] of Object.entries(merged)) put.run(k, JSON.stringify(v));
    })();
    this.cached = merged;
    return merged;
  }
}
