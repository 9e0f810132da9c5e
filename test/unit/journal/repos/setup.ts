// A fresh journal per test for the repository tests: a real SQLite file in a temp dir.
import { afterAll } from 'vitest';
import type { Journal } from '../../../../electron/journal/journal.js';
import type { ProductInput } from '../../../../electron/journal/repos/catalogue.js';
import { manualClock, openTemp, tempDir } from '../helpers.js';

export const scan = { kind: 'scan' as const, channel: 'weixin' as const, method: 'weixin.scan_qr_code_pay', settleDueAtMs: 0 };

export function journals(prefix: string): () => { j: Journal; clock: ReturnType<typeof manualClock> } {
  const tmp = tempDir(`pos-${prefix}-`);
  afterAll(() => tmp.cleanup());
  let n = 0;
  return () => {
    const clock = manualClock();
    return { j: openTemp(tmp.dir, `j${++n}.db`, { now: clock.now }), clock };
  };
}

/** A product for the catalogue tests (苹果, EAN-13 6901234567892), with fields overridden. */
export const product = (over: Partial<ProductInput> = {}): ProductInput => ({
  code: 'A1', name: '苹果', pinyin: 'pg', priceFen: 1299, unit: '件', weighed: false, plu: null, category: '水果', taxFree: false, active: true, barcodes: ['6901234567892'], ...over,
});
