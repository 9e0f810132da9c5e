// The replication log's reading side (migration 090): batches of changed rows in seq order, with
// each row's current content, for the pusher (electron/headoffice/pusher.ts); and the pusher's
// own facts (acknowledged cursor, last push, last error) kept in replication_state.
//
// A batch carries each changed row once, as it is now, with the highest seq that touched it: the
// head office keeps the newest seq per row, so sending a row again (after a crash, a cut
// connection) changes nothing there.
import type Database from 'better-sqlite3';
import { backfillSql, LOGGED_TABLES, type LoggedTable } from '../migrations/090_replication.js';

/** Columns that never leave the till (PIN hashes, lockout counters). */
export const PRIVATE_COLUMNS: Readonly<Record<string, readonly string[]>> = {
  cashiers: ['pin_hash', 'failed_tries', 'locked_until_ms'],
};

export interface ReplicatedRow {
  /** table */
  t: string;
  /** row key (key columns joined by ':') */
  k: string;
  /** the highest replication_log seq of this row in the batch */
  s: number;
  /** deleted at the till */
  d: boolean;
  /** the row's columns (null when deleted) */
  j: Record<string, unknown> | null;
}

export interface ReplicationBatch {
  /** The cursor this batch follows (exclusive). */
  after: number;
  /** The last seq it covers (inclusive). */
  upTo: number;
  /** Log entries covered (a row changed twice is one row). */
  entries: number;
  rows: ReplicatedRow[];
  /** JSON size of the rows, roughly what goes on the wire. */
  bytes: number;
  /** The highest audit_log seq in the batch (0: none). */
  auditSeq: number;
}

export interface ReplicationState {
  ackedSeq: number;
  lastPushAt: string | null;
  lastError: string | null;
  /** Log entries not yet acknowledged. */
  behind: number;
}

export class ReplicationRepo {
  private prepared: ReturnType<ReplicationRepo['prepare']> | null = null;
  private readonly readers = new Map<string, Database.Statement>();
  private readonly intKeys = new Map<string, boolean[]>();

  constructor(private readonly db: Database.Database) {}

  /** Prepared on first use: a journal opened with older migrations (tests) has no log. */
  private get s() {
    return (this.prepared ??= this.prepare());
  }

  private prepare() {
    const db = this.db;
    const s = {
      log: db.prepare('SELECT seq, tbl, row_key AS key, op FROM replication_log WHERE seq > ? ORDER BY seq LIMIT ?'),
      maxSeq: db.prepare(`SELECT seq FROM sqlite_sequence WHERE name = 'replication_log'`).pluck(),
      get: db.prepare('SELECT value FROM replication_state WHERE key = ?').pluck(),
      put: db.prepare('INSERT INTO replication_state (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value'),
      prune: db.prepare('DELETE FROM replication_log WHERE seq <= ?'),
    };
    for (const t of LOGGED_TABLES) {
      // Which key columns are INTEGER (their keys are compared as numbers, so the index serves).
      const types = new Map((db.prepare(`SELECT name, type FROM pragma_table_info('${t.table}')`).all() as { name: string; type: string }[]).map((c) => [c.name, c.type]));
      this.intKeys.set(t.table, t.key.map((c) => types.get(c) === 'INTEGER'));
      const cols = t.key.length === 1 ? t.key[0]! : `(${t.key.join(', ')})`;
      const picks = t.key.map((_, i) => `value ->> ${i}`).join(', ');
      this.readers.set(t.table, db.prepare(`SELECT * FROM ${t.table} WHERE ${cols} IN (SELECT ${picks} FROM json_each(?))`));
    }
    return s;
  }

  /** The highest seq ever logged (0: nothing yet). */
  maxSeq(): number {
    return Number(this.s.maxSeq.get() ?? 0);
  }

  /** Up to `maxEntries` log entries after `after`, cut early once the rows reach `maxBytes`. */
  batchAfter(after: number, maxEntries: number, maxBytes: number): ReplicationBatch {
    const entries = this.s.log.all(after, maxEntries) as { seq: number; tbl: string; key: string; op: 'u' | 'd' }[];
    // Each changed row once, in the order of its first entry; contents read one query per table.
    const byRow = new Map<string, ReplicatedRow & { first: number }>();
    const keysOf = new Map<string, string[]>();
    entries.forEach((e, i) => {
      const id = `${e.tbl}\u0000${e.key}`;
      const row = byRow.get(id);
      if (row) row.d = e.op === 'd';
      else {
        byRow.set(id, { t: e.tbl, k: e.key, s: e.seq, d: e.op === 'd', j: null, first: i });
        keysOf.set(e.tbl, [...(keysOf.get(e.tbl) ?? []), e.key]);
      }
    });
    for (const [table, keys] of keysOf) {
      const found = this.readMany(table, keys);
      for (const k of keys) {
        const row = byRow.get(`${table}\u0000${k}`)!;
        row.j = row.d ? null : (found.get(k) ?? null);
        row.d = row.j === null;
      }
    }
    // Cut before the first row that would pass maxBytes; the batch covers the entries before it.
    let bytes = 0;
    let cut = entries.length;
    for (const row of byRow.values()) {
      if (bytes >= maxBytes) {
        cut = row.first;
        break;
      }
      bytes += row.k.length + row.t.length + 40 + (row.j ? JSON.stringify(row.j).length : 0);
    }
    const rows: ReplicatedRow[] = [];
    let auditSeq = 0;
    for (const row of byRow.values()) {
      if (row.first >= cut) break;
      rows.push({ t: row.t, k: row.k, s: row.s, d: row.d, j: row.j });
      if (row.t === 'audit_log') auditSeq = Math.max(auditSeq, Number(row.k));
    }
    // Each row carries the highest seq among the covered entries that touched it.
    const last = new Map<string, number>();
    for (let i = 0; i < cut; i++) last.set(`${entries[i]!.tbl}\u0000${entries[i]!.key}`, entries[i]!.seq);
    for (const r of rows) r.s = last.get(`${r.t}\u0000${r.k}`)!;
    return { after, upTo: cut > 0 ? entries[cut - 1]!.seq : after, entries: cut, rows, bytes, auditSeq };
  }

  /** The rows of a table with these keys, as they are now (a deleted one is absent). */
  private readMany(table: string, keys: readonly string[]): Map<string, Record<string, unknown>> {
    void this.s;
    const def = LOGGED_TABLES.find((t) => t.table === table) as LoggedTable | undefined;
    const stmt = this.readers.get(table);
    if (!stmt || !def) throw new Error(`replication_log names table ${table}, which this build does not replicate`);
    const split = (k: string) => (def.key.length === 1 ? [k] : k.split(':'));
    const args = JSON.stringify(keys.map((k) => split(k).map((part, i) => (this.intKeys.get(table)?.[i] ? Number(part) : part))));
    const out = new Map<string, Record<string, unknown>>();
    const privateCols = PRIVATE_COLUMNS[table] ?? [];
    for (const row of stmt.all(args) as Record<string, unknown>[]) {
      for (const c of privateCols) delete row[c];
      out.set(def.key.map((c) => String(row[c])).join(':'), row);
    }
    return out;
  }

  state(): ReplicationState {
    const ackedSeq = Number(this.s.get.get('acked_seq') ?? 0);
    return {
      ackedSeq,
      lastPushAt: (this.s.get.get('last_push_at') as string | undefined) ?? null,
      lastError: (this.s.get.get('last_error') as string | undefined) || null,
      behind: Math.max(0, this.maxSeq() - ackedSeq),
    };
  }

  /** One of the pusher's own facts (replication_state), e.g. the central versions already pulled. */
  fact(key: string): string | null {
    return (this.s.get.get(key) as string | undefined) ?? null;
  }

  setFact(key: string, value: string): void {
    this.s.put.run(key, value);
  }

  /** Records what the head office acknowledged and drops the log up to it. */
  acknowledge(upTo: number, at: string): void {
    this.db.transaction(() => {
      this.s.put.run('acked_seq', String(upTo));
      this.s.put.run('last_push_at', at);
      this.s.put.run('last_error', '');
      this.s.prune.run(upTo);
    })();
  }

  /** Logs every replicated row again (after the head office lost rows it had acknowledged). */
  relogAll(): void {
    this.db.transaction(() => {
      for (const t of LOGGED_TABLES) this.db.exec(backfillSql(t));
    })();
  }

  /**
   * No head office is set: the log is emptied (it would only grow) and the journal remembers to
   * send everything once a head office is set (takeFullSend).
   */
  discardUnsent(): number {
    return this.db.transaction(() => {
      const n = this.db.prepare('DELETE FROM replication_log').run().changes;
      this.s.put.run('needs_full_send', '1');
      return n;
    })();
  }

  /** If the log was discarded while no head office was set, logs every row again (once). */
  takeFullSend(): boolean {
    return this.db.transaction(() => {
      if (this.s.get.get('needs_full_send') !== '1') return false;
      for (const t of LOGGED_TABLES) this.db.exec(backfillSql(t));
      this.s.put.run('needs_full_send', '0');
      return true;
    })();
  }

  recordError(message: string): void {
    this.s.put.run('last_error', message.slice(0, 500));
  }
}
