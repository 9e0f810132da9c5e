// The product catalogue: products with their barcodes, lookups (barcode, PLU, code), keyboard
// search (name, pinyin initials, code, barcode), an all-or-nothing import, and stock: taken when a
// sale is paid, given back by a reverse or a refunded line, each move logged in stock_moves.
import type Database from 'better-sqlite3';
import { checkProductBarcode } from '../../../shared/goods/barcode.js';
import { invariant, isoOf, JournalConflictError, type JournalContext } from '../base.js';

export interface ProductInput {
  code: string;
  name: string;
  /** Pinyin initials, lower case (the goods room computes them from the name). */
  pinyin: string;
  priceFen: number;
  unit: string;
  weighed: boolean;
  plu: string | null;
  category: string;
  taxFree: boolean;
  active: boolean;
  barcodes: string[];
  /** Import and add: the stock on hand (pieces; grams when weighed). Absent on edit: kept. */
  stock?: number;
}

export interface ProductRow extends Omit<ProductInput, 'stock'> {
  id: number;
  stock: number;
  createdAt: string;
  updatedAt: string;
}

/** Most rows one catalogue search returns. */
export const MAX_PRODUCT_SEARCH_ROWS = 100;

const PRODUCT_COLUMNS = `p.id, p.code, p.name, p.pinyin, p.price_fen AS priceFen, p.unit, p.weighed, p.plu, p.category, p.tax_free AS taxFree,
  p.active, p.stock, p.created_at AS createdAt, p.updated_at AS updatedAt`;

type DbProduct = Omit<ProductRow, 'weighed' | 'taxFree' | 'active' | 'barcodes'> & { weighed: number; taxFree: number; active: number };

function likeEscape(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

export class CatalogueRepo {
  private readonly db: Database.Database;
  private readonly s;

  constructor(private readonly ctx: JournalContext) {
    const db = (this.db = ctx.db);
    this.s = {
      byId: db.prepare(`SELECT ${PRODUCT_COLUMNS} FROM products p WHERE p.id = ?`),
      byCode: db.prepare(`SELECT ${PRODUCT_COLUMNS} FROM products p WHERE p.code = ?`),
      byPlu: db.prepare(`SELECT ${PRODUCT_COLUMNS} FROM products p WHERE p.plu = ?`),
      byBarcode: db.prepare(`SELECT ${PRODUCT_COLUMNS} FROM product_barcodes b JOIN products p ON p.id = b.product_id WHERE b.barcode = ?`),
      barcodes: db.prepare('SELECT barcode FROM product_barcodes WHERE product_id = ? ORDER BY barcode').pluck(),
      barcodeOwner: db.prepare('SELECT product_id FROM product_barcodes WHERE barcode = ?').pluck(),
      insert: db.prepare(`INSERT INTO products (code, name, pinyin, price_fen, unit, weighed, plu, category, tax_free, active, stock, created_at, updated_at)
        VALUES (@code, @name, @pinyin, @priceFen, @unit, @weighed, @plu, @category, @taxFree, @active, 0, @at, @at) RETURNING id`),
      update: db.prepare(`UPDATE products SET code = @code, name = @name, pinyin = @pinyin, price_fen = @priceFen, unit = @unit, weighed = @weighed,
        plu = @plu, category = @category, tax_free = @taxFree, active = @active, updated_at = @at WHERE id = @id`),
      dropBarcodes: db.prepare('DELETE FROM product_barcodes WHERE product_id = ?'),
      addBarcode: db.prepare('INSERT INTO product_barcodes (barcode, product_id) VALUES (?, ?)'),
      setActive: db.prepare('UPDATE products SET active = ?, updated_at = ? WHERE id = ?'),
      moveStock: db.prepare('UPDATE products SET stock = stock + ? WHERE id = ?'),
      logMove: db.prepare('INSERT INTO stock_moves (product_id, delta, reason, ref, at) VALUES (?, ?, ?, ?, ?)'),
      stockTaken: db.prepare('SELECT stock_taken FROM sales WHERE id = ?').pluck(),
      setStockTaken: db.prepare('UPDATE sales SET stock_taken = ? WHERE id = ?'),
      saleGoods: db.prepare('SELECT line_no AS lineNo, product_id AS productId, qty, weight_g AS weightG FROM sale_lines WHERE sale_id = ? AND product_id IS NOT NULL'),
      count: db.prepare('SELECT COUNT(*) FROM products').pluck(),
      countCodes: db.prepare('SELECT COUNT(*) FROM products WHERE code IN (SELECT value FROM json_each(?))').pluck(),
      all: db.prepare(`SELECT ${PRODUCT_COLUMNS}, (SELECT group_concat(barcode, ' ') FROM (SELECT barcode FROM product_barcodes WHERE product_id = p.id ORDER BY barcode)) AS codes
        FROM products p ORDER BY p.code`),
    };
  }

  private row(r: DbProduct | undefined, barcodes?: string[]): ProductRow | null {
    if (!r) return null;
    return { ...r, weighed: r.weighed === 1, taxFree: r.taxFree === 1, active: r.active === 1, barcodes: barcodes ?? (this.s.barcodes.all(r.id) as string[]) };
  }

  // ---------------------------------------------------------------- reads

  get(id: number): ProductRow | null {
    return this.row(this.s.byId.get(id) as DbProduct | undefined);
  }

  byCode(code: string): ProductRow | null {
    return this.row(this.s.byCode.get(code) as DbProduct | undefined);
  }

  byPlu(plu: string): ProductRow | null {
    return this.row(this.s.byPlu.get(plu) as DbProduct | undefined);
  }

  /** The scan's hot path: one primary-key lookup in product_barcodes and one in products. */
  byBarcode(barcode: string): ProductRow | null {
    return this.row(this.s.byBarcode.get(barcode) as DbProduct | undefined);
  }

  count(): number {
    return this.s.count.get() as number;
  }

  /**
   * Keyboard search: an exact code or barcode first, then pinyin initials and codes that start with
   * the text, then names that contain it. Inactive products only when asked (the manager screen).
   */
  search(text: string, opts: { limit?: number; includeInactive?: boolean } = {}): ProductRow[] {
    const q = text.trim().toLowerCase();
    const limit = Math.min(Math.max(1, opts.limit ?? 20), MAX_PRODUCT_SEARCH_ROWS);
    const active = opts.includeInactive ? '' : 'AND p.active = 1';
    if (q === '') {
      return (this.db.prepare(`SELECT ${PRODUCT_COLUMNS} FROM products p WHERE 1 ${active} ORDER BY p.code LIMIT ?`).all(limit) as DbProduct[]).map((r) => this.row(r)!);
    }
    const starts = `${likeEscape(q)}%`;
    const contains = `%${likeEscape(q)}%`;
    const rows = this.db
      .prepare(
        `SELECT ${PRODUCT_COLUMNS} FROM products p
         WHERE (p.pinyin LIKE @starts ESCAPE '\\' OR lower(p.code) LIKE @starts ESCAPE '\\' OR lower(p.name) LIKE @contains ESCAPE '\\'
           OR p.id IN (SELECT product_id FROM product_barcodes WHERE barcode = @q)) ${active}
         ORDER BY (lower(p.code) = @q OR p.id IN (SELECT product_id FROM product_barcodes WHERE barcode = @q)) DESC,
           (p.pinyin LIKE @starts ESCAPE '\\') DESC, length(p.name), p.code LIMIT @limit`,
      )
      .all({ q, starts, contains, limit }) as DbProduct[];
    return rows.map((r) => this.row(r)!);
  }

  /** Every product with its barcodes, by code (export). */
  *all(): Generator<ProductRow> {
    for (const r of this.s.all.iterate() as IterableIterator<DbProduct & { codes: string | null }>) {
      const { codes, ...rest } = r;
      yield this.row(rest, codes ? codes.split(' ') : [])!;
    }
  }

  // ---------------------------------------------------------------- writes

  /** Inside a transaction: refuses a bad or taken barcode, naming it and its product. */
  private putBarcodes(productId: number, barcodes: readonly string[], where: string): void {
    const seen = new Set<string>();
    for (const raw of barcodes) {
      const c = checkProductBarcode(raw);
      if (!c.ok) throw new JournalConflictError(`${where}${c.reason}`);
      if (seen.has(c.code)) continue;
      seen.add(c.code);
      const owner = this.s.barcodeOwner.get(c.code) as number | undefined;
      if (owner !== undefined && owner !== productId) {
        throw new JournalConflictError(`${where}barcode: ${c.code} already belongs to ${this.get(owner)?.code ?? owner}`);
      }
      if (owner === undefined) this.s.addBarcode.run(c.code, productId);
    }
  }

  private fields(p: ProductInput, at: string) {
    return { code: p.code, name: p.name, pinyin: p.pinyin, priceFen: p.priceFen, unit: p.unit, weighed: p.weighed ? 1 : 0, plu: p.plu, category: p.category, taxFree: p.taxFree ? 1 : 0, active: p.active ? 1 : 0, at };
  }

  private uniqueProblem(e: unknown, p: ProductInput, where: string): never {
    const msg = e instanceof Error ? e.message : String(e);
    if (/UNIQUE constraint failed: products.code/.test(msg)) throw new JournalConflictError(`${where}code: ${p.code} is already another product's code`);
    if (/UNIQUE constraint failed: products.plu/.test(msg)) throw new JournalConflictError(`${where}plu: ${String(p.plu)} is already another product's PLU`);
    if (/CHECK constraint failed/.test(msg)) throw new JournalConflictError(`${where}a field is out of range (${msg})`);
    throw e;
  }

  /** Inside a transaction: adds or (same code) updates one product; returns its id and whether it is new. */
  private upsert(p: ProductInput, at: string, where: string): { id: number; added: boolean } {
    const existing = this.s.byCode.get(p.code) as DbProduct | undefined;
    let id: number;
    try {
      if (existing) {
        this.s.update.run({ ...this.fields(p, at), id: existing.id });
        id = existing.id;
      } else {
        id = (this.s.insert.get(this.fields(p, at)) as { id: number }).id;
      }
    } catch (e) {
      this.uniqueProblem(e, p, where);
    }
    // A new product has no barcodes yet and no stock (0).
    if (existing) this.s.dropBarcodes.run(id);
    this.putBarcodes(id, p.barcodes, where);
    if (p.stock !== undefined) this.setStock(id, p.stock, existing ? 'edit' : 'add', at, existing ? undefined : 0);
    return { id, added: !existing };
  }

  /** How many of these codes are products already (an import's preview: adds vs updates). */
  countExistingCodes(codes: readonly string[]): number {
    return Number(this.s.countCodes.get(JSON.stringify(codes)));
  }

  private setStock(id: number, stock: number, ref: string, at: string, known?: number): void {
    invariant(Number.isSafeInteger(stock), `stock: ${stock} is not a whole number`);
    const now = known ?? (this.s.byId.get(id) as DbProduct).stock;
    if (stock === now) return;
    this.s.moveStock.run(stock - now, id);
    this.s.logMove.run(id, stock - now, 'set', ref, at);
  }

  add(p: ProductInput): ProductRow {
    return this.db
      .transaction(() => {
        if (this.s.byCode.get(p.code)) throw new JournalConflictError(`code: ${p.code} is already another product's code`);
        const at = isoOf(this.ctx.now());
        const { id } = this.upsert(p, at, '');
        this.ctx.audit.append({ at, kind: 'product.added', subject: p.code, data: { priceFen: p.priceFen, barcodes: p.barcodes } });
        return this.get(id)!;
      })
      .immediate();
  }

  update(id: number, p: ProductInput): ProductRow {
    return this.db
      .transaction(() => {
        const before = this.get(id);
        if (!before) throw new JournalConflictError(`id: no product ${id}`);
        const other = this.s.byCode.get(p.code) as DbProduct | undefined;
        if (other && other.id !== id) throw new JournalConflictError(`code: ${p.code} is already another product's code`);
        const at = isoOf(this.ctx.now());
        try {
          this.s.update.run({ ...this.fields(p, at), id });
        } catch (e) {
          this.uniqueProblem(e, p, '');
        }
        this.s.dropBarcodes.run(id);
        this.putBarcodes(id, p.barcodes, '');
        if (p.stock !== undefined) this.setStock(id, p.stock, 'edit', at);
        this.ctx.audit.append({ at, kind: 'product.updated', subject: p.code, data: { fromPriceFen: before.priceFen, priceFen: p.priceFen, active: p.active } });
        return this.get(id)!;
      })
      .immediate();
  }

  setActive(id: number, active: boolean): ProductRow {
    return this.db
      .transaction(() => {
        const p = this.get(id);
        if (!p) throw new JournalConflictError(`id: no product ${id}`);
        const at = isoOf(this.ctx.now());
        this.s.setActive.run(active ? 1 : 0, at, id);
        this.ctx.audit.append({ at, kind: active ? 'product.activated' : 'product.deactivated', subject: p.code, data: null });
        return this.get(id)!;
      })
      .immediate();
  }

  /**
   * Imports rows as one transaction: every row is added or (same code) updated, or none is. A row
   * that breaks a rule the database knows (a barcode of another product…) throws naming its row.
   */
  importProducts(rows: readonly { row: number; product: ProductInput }[], source: string): { added: number; updated: number } {
    return this.db
      .transaction(() => {
        const at = isoOf(this.ctx.now());
        let added = 0;
        for (const r of rows) if (this.upsert(r.product, at, `row ${r.row}: `).added) added++;
        this.ctx.audit.append({ at, kind: 'catalogue.imported', subject: source.slice(0, 64), data: { rows: rows.length, added } });
        return { added, updated: rows.length - added };
      })
      .immediate();
  }

  // ---------------------------------------------------------------- stock (inside the payment's transaction)

  private move(productId: number, delta: number, reason: 'sale' | 'return', ref: string, at: string): void {
    if (delta === 0) return;
    this.s.moveStock.run(delta, productId);
    this.s.logMove.run(productId, delta, reason, ref, at);
  }

  /** The sale was paid: its goods leave the stock (once). */
  takeForSale(saleId: number, ref: string, at: string): void {
    if (this.s.stockTaken.get(saleId) !== 0) return;
    const goods = this.s.saleGoods.all(saleId) as { productId: number; qty: number; weightG: number | null }[];
    // A sale without catalogue goods (a typed amount) has no stock to take: its row is not
    // rewritten (no page, no replication entry on the payment's own commit).
    if (goods.length === 0) return;
    for (const l of goods) this.move(l.productId, -(l.weightG ?? l.qty), 'sale', ref, at);
    this.s.setStockTaken.run(1, saleId);
  }

  /** The whole paid sale was given back (a reverse): its goods return (once). */
  returnForSale(saleId: number, ref: string, at: string): void {
    if (this.s.stockTaken.get(saleId) !== 1) return;
    for (const l of this.s.saleGoods.all(saleId) as { productId: number; qty: number; weightG: number | null }[]) this.move(l.productId, l.weightG ?? l.qty, 'return', ref, at);
    this.s.setStockTaken.run(0, saleId);
  }

  /** Refunded lines of a sale return: `qty` pieces of a line (a weighed line returns its weight). */
  returnLines(saleId: number, lines: readonly { lineNo: number; qty: number }[], ref: string, at: string): void {
    if (this.s.stockTaken.get(saleId) !== 1) return;
    const goods = new Map((this.s.saleGoods.all(saleId) as { lineNo: number; productId: number; qty: number; weightG: number | null }[]).map((l) => [l.lineNo, l]));
    for (const r of lines) {
      const l = goods.get(r.lineNo);
      if (l) this.move(l.productId, l.weightG ?? r.qty, 'return', ref, at);
    }
  }
}
