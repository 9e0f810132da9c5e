// The head office's own edits: the central catalogue (imported from the same CSV/XLSX files as a
// till's, electron/goods/import.ts) and the central cashiers. Tills pull both (pull.ts).
import type pg from 'pg';
import { parseCatalogueTable, readTable, type ImportFormat, type ImportProblem } from '../goods/import.js';
import { hashPin, PIN_RULE, PIN_RULE_TEXT } from '../shift/pin.js';

/** Products written per INSERT statement of an import. */
export const CATALOGUE_IMPORT_CHUNK = 1_000;

export type CentralImport = { ok: true; added: number; updated: number } | { ok: false; problems: ImportProblem[]; problemCount: number };

/** Imports a catalogue file into ho_products: every row or none (the first problems are listed). */
export async function importCentralCatalogue(db: pg.ClientBase, bytes: Uint8Array, format: ImportFormat): Promise<CentralImport> {
  const parsed = parseCatalogueTable(await readTable(bytes, format));
  if (parsed.problemCount > 0) return { ok: false, problems: parsed.problems, problemCount: parsed.problemCount };
  let added = 0;
  await db.query('BEGIN');
  try {
    for (let i = 0; i < parsed.rows.length; i += CATALOGUE_IMPORT_CHUNK) {
      const chunk = parsed.rows.slice(i, i + CATALOGUE_IMPORT_CHUNK).map((r) => ({
        code: r.product.code, name: r.product.name, pinyin: r.product.pinyin, price_fen: r.product.priceFen, unit: r.product.unit,
        weighed: r.product.weighed, plu: r.product.plu, category: r.product.category, tax_free: r.product.taxFree, active: r.product.active,
        barcodes: r.product.barcodes,
      }));
      const res = await db.query<{ inserted: boolean }>(
        `INSERT INTO ho_products (code, name, pinyin, price_fen, unit, weighed, plu, category, tax_free, active, barcodes)
         SELECT code, name, pinyin, price_fen, unit, weighed, plu, category, tax_free, active, barcodes
         FROM jsonb_to_recordset($1::jsonb) AS r(code text, name text, pinyin text, price_fen bigint, unit text, weighed boolean, plu text, category text, tax_free boolean, active boolean, barcodes text[])
         ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, pinyin = EXCLUDED.pinyin, price_fen = EXCLUDED.price_fen, unit = EXCLUDED.unit,
           weighed = EXCLUDED.weighed, plu = EXCLUDED.plu, category = EXCLUDED.category, tax_free = EXCLUDED.tax_free, active = EXCLUDED.active, barcodes = EXCLUDED.barcodes
         RETURNING (xmax = 0) AS inserted`,
        [JSON.stringify(chunk)],
      );
      added += res.rows.filter((r) => r.inserted).length;
    }
    await db.query('COMMIT');
  } catch (err) {
    await db.query('ROLLBACK');
    throw err;
  }
  return { ok: true, added, updated: parsed.rows.length - added };
}

export interface CentralCashierInput {
  id: string;
  name: string;
  role: 'cashier' | 'manager';
  /** A new PIN (hashed here; only the hash is stored and pulled). Required for a new cashier. */
  pin?: string;
  active?: boolean;
}

export async function saveCentralCashier(db: pg.ClientBase, c: CentralCashierInput): Promise<void> {
  if (!/^[A-Za-z0-9_]{1,32}$/.test(c.id)) throw new Error(`cashier id "${c.id}": must be 1–32 of A-Z a-z 0-9 _`);
  if (!c.name || c.name.length > 32) throw new Error('cashier name: must be 1–32 characters');
  if (c.role !== 'cashier' && c.role !== 'manager') throw new Error(`cashier role "${String(c.role)}": must be cashier or manager`);
  if (c.pin !== undefined && !PIN_RULE.test(c.pin)) throw new Error(`cashier PIN: ${PIN_RULE_TEXT}`);
  const hash = c.pin === undefined ? null : await hashPin(c.pin);
  const r = await db.query(
    `INSERT INTO ho_cashiers (id, name, role, pin_hash, active) SELECT $1, $2, $3, $4, $5 WHERE $4::text IS NOT NULL
     ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, role = EXCLUDED.role, pin_hash = EXCLUDED.pin_hash, active = EXCLUDED.active`,
    [c.id, c.name, c.role, hash, c.active ?? true],
  );
  if (r.rowCount === 0) {
    const u = await db.query('UPDATE ho_cashiers SET name = $2, role = $3, active = $4 WHERE id = $1', [c.id, c.name, c.role, c.active ?? true]);
    if (u.rowCount === 0) throw new Error(`cashier "${c.id}" is new: give a PIN`);
  }
}
