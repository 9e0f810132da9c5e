// The catalogue and the cashiers are managed at the head office (ho_products, ho_cashiers) and
// pulled by each till: what changed since the version the till last took, applied in one
// transaction per kind with an audit entry. Without the head office the till keeps working with
// its last copy. Stock on hand stays the till's own (the head office never overwrites it).
import type pg from 'pg';
import type { Journal } from '../journal/journal.js';
import type { ProductInput } from '../journal/repos/catalogue.js';

/** How often a connected till looks for central changes. */
export const PULL_INTERVAL_MS = 60_000;
/** Most rows of one kind taken per pull (the rest comes at the next). */
export const PULL_PAGE_ROWS = 5_000;

interface ProductRowPg {
  code: string; name: string; pinyin: string; price_fen: string; unit: string; weighed: boolean; plu: string | null;
  category: string; tax_free: boolean; active: boolean; barcodes: string[]; version: string;
}
interface CashierRowPg { id: string; name: string; role: 'cashier' | 'manager'; pin_hash: string; active: boolean; version: string }

const VERSION_KEY = { products: 'pulled_products_version', cashiers: 'pulled_cashiers_version' } as const;

const pulledVersion = (journal: Journal, key: string): number => Number(journal.repos.replication.fact(key) ?? 0);
const setPulled = (journal: Journal, key: string, version: number): void => journal.repos.replication.setFact(key, String(version));

export async function pullCentral(client: pg.ClientBase, journal: Journal): Promise<{ products: number; cashiers: number }> {
  const products = await client.query<ProductRowPg>('SELECT * FROM ho_products WHERE version > $1 ORDER BY version LIMIT $2', [pulledVersion(journal, VERSION_KEY.products), PULL_PAGE_ROWS]);
  if (products.rowCount) {
    const rows = products.rows.map((p, i) => ({
      row: i + 1,
      product: {
        code: p.code, name: p.name, pinyin: p.pinyin, priceFen: Number(p.price_fen), unit: p.unit, weighed: p.weighed, plu: p.plu,
        category: p.category, taxFree: p.tax_free, active: p.active, barcodes: p.barcodes,
      } satisfies ProductInput,
    }));
    const top = Number(products.rows.at(-1)!.version);
    journal.db.transaction(() => {
      journal.repos.catalogue.importProducts(rows, 'head office');
      setPulled(journal, VERSION_KEY.products, top);
    })();
  }
  const cashiers = await client.query<CashierRowPg>('SELECT * FROM ho_cashiers WHERE version > $1 ORDER BY version LIMIT $2', [pulledVersion(journal, VERSION_KEY.cashiers), PULL_PAGE_ROWS]);
  if (cashiers.rowCount) {
    const top = Number(cashiers.rows.at(-1)!.version);
    const at = new Date().toISOString();
    const upsert = journal.db.prepare(`INSERT INTO cashiers (id, name, role, pin_hash, active, failed_tries, locked_until_ms, created_at, updated_at)
      VALUES (?, ?, ?, ?, ?, 0, NULL, ?, ?)
      ON CONFLICT (id) DO UPDATE SET name = excluded.name, role = excluded.role, pin_hash = excluded.pin_hash, active = excluded.active, updated_at = excluded.updated_at`);
    journal.db.transaction(() => {
      for (const c of cashiers.rows) upsert.run(c.id, c.name, c.role, c.pin_hash, c.active ? 1 : 0, at, at);
      journal.audit.append({ at, kind: 'cashiers.pulled', subject: 'head office', data: { ids: cashiers.rows.map((c) => c.id) } });
      setPulled(journal, VERSION_KEY.cashiers, top);
    })();
  }
  return { products: products.rowCount ?? 0, cashiers: cashiers.rowCount ?? 0 };
}
