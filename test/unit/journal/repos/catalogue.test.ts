// CatalogueRepo: products and barcodes, lookups, search, the all-or-nothing import, and stock
// taken by a paid sale and given back by a reverse.
import { describe, expect, it } from 'vitest';
import { journals, product, scan } from './setup.js';

const fresh = journals('catalogue');

describe('CatalogueRepo', () => {
  it('adds, finds by barcode / code / PLU, edits and deactivates, with audit entries', () => {
    const { j } = fresh();
    const c = j.repos.catalogue;
    const p = c.add(product({ stock: 10 }));
    expect(p).toMatchObject({ code: 'A1', priceFen: 1299, stock: 10, active: true, barcodes: ['6901234567892'] });
    expect(c.byBarcode('6901234567892')!.id).toBe(p.id);
    expect(c.byBarcode('4006381333931')).toBeNull();
    c.add(product({ code: 'W1', name: '散装大米', pinyin: 'szdm', weighed: true, unit: 'kg', plu: '00123', barcodes: [] }));
    expect(c.byPlu('00123')!.code).toBe('W1');
    const edited = c.update(p.id, product({ priceFen: 1399, barcodes: ['6901234567892', '4006381333931'] }));
    expect(edited).toMatchObject({ priceFen: 1399, stock: 10, barcodes: ['4006381333931', '6901234567892'] });
    expect(c.setActive(p.id, false).active).toBe(false);
    expect(c.search('pg')).toEqual([]);
    expect(c.search('pg', { includeInactive: true })).toHaveLength(1);
    expect(j.audit.entries('A1').map((e) => e.kind)).toEqual(['product.added', 'product.updated', 'product.deactivated']);
    j.close();
  });

  it('refuses a bad check digit, a taken barcode or code, naming them, and changes nothing', () => {
    const { j } = fresh();
    const c = j.repos.catalogue;
    c.add(product());
    expect(() => c.add(product({ code: 'B1', barcodes: ['6901234567893'] }))).toThrow('barcode: EAN-13 check digit is 3, should be 2');
    expect(() => c.add(product({ code: 'B1' }))).toThrow('barcode: 6901234567892 already belongs to A1');
    expect(() => c.add(product({ barcodes: [] }))).toThrow('code: A1 is already another product');
    expect(c.count()).toBe(1);
    j.close();
  });

  it('searches by pinyin initials, code, name and exact barcode, exact matches first', () => {
    const { j } = fresh();
    const c = j.repos.catalogue;
    c.add(product());
    c.add(product({ code: 'PG2', name: '苹果汁', pinyin: 'pgz', barcodes: ['4006381333931'] }));
    c.add(product({ code: 'C1', name: '可乐', pinyin: 'kl', barcodes: [] }));
    expect(c.search('PG').map((p) => p.code)).toEqual(['A1', 'PG2']);
    expect(c.search('pg2').map((p) => p.code)).toEqual(['PG2']);
    expect(c.search('可乐').map((p) => p.code)).toEqual(['C1']);
    expect(c.search('4006381333931').map((p) => p.code)).toEqual(['PG2']);
    expect(c.search('%').length).toBe(0);
    j.close();
  });

  it('imports all rows or none: a bad row names its row and nothing is written', () => {
    const { j } = fresh();
    const c = j.repos.catalogue;
    c.add(product());
    const rows = [
      { row: 2, product: product({ code: 'A1', priceFen: 999, barcodes: ['6901234567892'], stock: 5 }) },
      { row: 3, product: product({ code: 'B1', barcodes: ['4006381333931'] }) },
      { row: 4, product: product({ code: 'C1', barcodes: ['4006381333931'] }) },
    ];
    expect(() => c.importProducts(rows, 'bad.csv')).toThrow('row 4: barcode: 4006381333931 already belongs to B1');
    expect(c.count()).toBe(1);
    expect(c.byCode('A1')!.priceFen).toBe(1299);
    expect(c.importProducts(rows.slice(0, 2), 'ok.csv')).toEqual({ added: 1, updated: 1 });
    expect(c.byCode('A1')).toMatchObject({ priceFen: 999, stock: 5 });
    expect([...c.all()].map((p) => p.code)).toEqual(['A1', 'B1']);
    j.close();
  });

  it('stock: a paid sale takes its goods once; a reverse of it brings them back', () => {
    const { j } = fresh();
    const c = j.repos.catalogue;
    const apple = c.add(product({ stock: 10 }));
    const rice = c.add(product({ code: 'W1', weighed: true, unit: 'kg', plu: '00123', barcodes: [], stock: 5000 }));
    const lines = [
      { name: '苹果', qty: 3, unitFen: 1299, productId: apple.id, discountFen: 0, amountFen: 3897 },
      { name: '散装大米 0.512kg', qty: 1, unitFen: 333, productId: rice.id, weightG: 512, discountFen: 0, amountFen: 333 },
    ];
    const a = j.createAttempt({ ...scan, amountFen: 4230, lines });
    expect(c.get(apple.id)!.stock).toBe(10);
    j.transition(a.outTradeNo, 'paid', { source: 'scan', tradeNo: 'GW' });
    expect(c.get(apple.id)!.stock).toBe(7);
    expect(c.get(rice.id)!.stock).toBe(4488);
    j.requestReverseOfPaid(a.outTradeNo, 1);
    j.transition(a.outTradeNo, 'refunded', { source: 'reverse' });
    expect(c.get(apple.id)!.stock).toBe(10);
    expect(c.get(rice.id)!.stock).toBe(5000);
    const { attempt } = j.recordCash({ amountFen: 1299, tenderedFen: 2000, lines: [{ ...lines[0]!, qty: 1, amountFen: 1299 }] });
    expect(c.get(apple.id)!.stock).toBe(9);
    expect(j.db.prepare('SELECT COUNT(*) AS n FROM stock_moves WHERE ref = ?').get(attempt.outTradeNo)).toEqual({ n: 1 });
    expect(j.checkInvariants()).toEqual([]);
    j.close();
  });
});
