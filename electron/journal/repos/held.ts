// 挂单 / 取单: sales put aside at the till, kept in the journal file so they survive a restart.
// The draft is the renderer's sale as JSON (lines, discounts, note); recalling one removes it.
import type Database from 'better-sqlite3';
import { isoOf, JournalConflictError, type JournalContext } from '../base.js';

/** Most sales held at once at one till. */
export const MAX_HELD_SALES = 50;
/** Largest draft kept (a 200-line sale is ~40 KB of JSON). */
export const MAX_HELD_DRAFT_CHARS = 200_000;

export interface HeldSaleRow {
  id: number;
  heldAt: string;
  label: string;
  lines: number;
  totalFen: number;
}

export class HeldSalesRepo {
  private readonly db: Database.Database;
  private readonly s;

  constructor(private readonly ctx: JournalContext) {
    const db = (this.db = ctx.db);
    this.s = {
      count: db.prepare('SELECT COUNT(*) FROM held_sales').pluck(),
      insert: db.prepare('INSERT INTO held_sales (held_at, label, lines, total_fen, draft) VALUES (?, ?, ?, ?, ?) RETURNING id'),
      list: db.prepare('SELECT id, held_at AS heldAt, label, lines, total_fen AS totalFen FROM held_sales ORDER BY id'),
      draft: db.prepare('SELECT draft FROM held_sales WHERE id = ?').pluck(),
      drop: db.prepare('DELETE FROM held_sales WHERE id = ?'),
    };
  }

  hold(input: { label: string; lines: number; totalFen: number; draft: unknown }): HeldSaleRow {
    const text = JSON.stringify(input.draft);
    if (text.length > MAX_HELD_DRAFT_CHARS) throw new JournalConflictError(`draft: at most ${MAX_HELD_DRAFT_CHARS} characters`);
    return this.db
      .transaction(() => {
        if ((this.s.count.get() as number) >= MAX_HELD_SALES) throw new JournalConflictError(`at most ${MAX_HELD_SALES} sales can be held: recall one first`);
        const at = isoOf(this.ctx.now());
        const { id } = this.s.insert.get(at, input.label.slice(0, 32), input.lines, input.totalFen, text) as { id: number };
        return { id, heldAt: at, label: input.label.slice(0, 32), lines: input.lines, totalFen: input.totalFen };
      })
      .immediate();
  }

  list(): HeldSaleRow[] {
    return this.s.list.all() as HeldSaleRow[];
  }

  /** Takes a held sale back (it is no longer held). */
  recall(id: number): unknown {
    return this.db
      .transaction(() => {
        const text = this.s.draft.get(id) as string | undefined;
        if (text === undefined) throw new JournalConflictError(`id: no held sale ${id} (recalled already?)`);
        this.s.drop.run(id);
        return JSON.parse(text) as unknown;
      })
      .immediate();
  }
}
