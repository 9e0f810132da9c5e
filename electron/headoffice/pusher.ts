// The till's replication to the head office: the replication log (migration 090) pushed in seq
// order, one batch at a time, each batch applied at the head office in one transaction together
// with the till's cursor there — so a batch is stored whole or not at all, and the cursor in
// PostgreSQL is the truth about what arrived. After a crash of either side, a cut connection or a
// PostgreSQL restart, the pusher reconnects, reads that cursor and goes on from it; a batch sent
// twice changes nothing (rows are upserted by (till, table, key), the newest seq wins).
//
// Nothing the cashier does waits for this: the log is written by the journal's own transactions,
// the pusher only reads it. Back-pressure: the next batch is read only when the last one is
// acknowledged, so what waits stays in the journal file, not in memory.
import type pg from 'pg';
import type { Journal } from '../journal/journal.js';
import type { ReplicationBatch, ReplicationRepo } from '../journal/repos/replication.js';
import { closeHeadOffice, connectHeadOffice, describePgError, isServerError, type HeadOfficeConfig } from './link.js';
import { pullCentral, PULL_INTERVAL_MS } from './pull.js';

/** Most log entries in one batch. */
export const PUSH_BATCH_ENTRIES = 2_000;
/** A batch is cut once its rows reach this size (large shift reports, print jobs). */
export const PUSH_BATCH_BYTES = 4 * 1024 * 1024;
/** How often an idle pusher looks for new rows. */
export const PUSH_IDLE_MS = 300;
/** Retry backoff after a failure: doubles from the first to the last, with jitter. */
export const PUSH_BACKOFF_MIN_MS = 500;
export const PUSH_BACKOFF_MAX_MS = 30_000;
/** The top bar warns when this many log entries wait, or the last push is this old with rows waiting. */
export const FAR_BEHIND_ENTRIES = 10_000;
export const FAR_BEHIND_MS = 15 * 60_000;

export type SyncState = 'off' | 'connecting' | 'syncing' | 'idle' | 'retrying' | 'refused';

export interface SyncStatus {
  state: SyncState;
  tillId: string | null;
  ackedSeq: number;
  behind: number;
  lastPushAt: string | null;
  error: string | null;
  farBehind: boolean;
}

export class HeadOfficeRefusal extends Error {
  override name = 'HeadOfficeRefusal';
}

export interface PusherOptions {
  journal: Journal;
  config: HeadOfficeConfig;
  log?: (line: string) => void;
  now?: () => number;
  batchEntries?: number;
  /** Called after every acknowledged batch (benches, tests). */
  onAck?: (batch: ReplicationBatch) => void;
  /** Whether to pull the central catalogue and cashiers (default true). */
  pull?: boolean;
  /** Tests: a shorter retry backoff than PUSH_BACKOFF_MIN_MS … PUSH_BACKOFF_MAX_MS. */
  backoff?: { minMs: number; maxMs: number };
}

export class Pusher {
  private readonly repo: ReplicationRepo;
  private client: pg.Client | null = null;
  private stopped = true;
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  private state: SyncState = 'off';
  private error: string | null = null;
  private failures = 0;
  private lastPull = 0;
  private readonly now: () => number;
  private readonly log: (line: string) => void;

  constructor(private readonly o: PusherOptions) {
    this.repo = o.journal.repos.replication;
    this.now = o.now ?? Date.now;
    this.log = o.log ?? (() => undefined);
  }

  status(): SyncStatus {
    const s = this.repo.state();
    const age = s.lastPushAt ? this.now() - Date.parse(s.lastPushAt) : Infinity;
    return {
      state: this.state,
      tillId: this.o.config.tillId,
      ackedSeq: s.ackedSeq,
      behind: s.behind,
      lastPushAt: s.lastPushAt,
      error: this.error ?? s.lastError,
      farBehind: s.behind >= FAR_BEHIND_ENTRIES || (s.behind > 0 && age >= FAR_BEHIND_MS),
    };
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.loop = this.run();
  }

  /** Looks for new rows now instead of at the next idle tick. */
  kick(): void {
    this.wake?.();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.loop;
    this.loop = null;
    await this.dropClient();
    this.state = 'off';
  }

  private sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const t = setTimeout(done, ms);
      function done() {
        clearTimeout(t);
        resolve();
      }
      this.wake = done;
    }).finally(() => (this.wake = null));
  }

  private async dropClient(): Promise<void> {
    const c = this.client;
    this.client = null;
    if (c) await closeHeadOffice(c);
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      try {
        const sent = await this.pushOnce();
        this.failures = 0;
        this.error = null;
        if (this.o.pull !== false && this.now() - this.lastPull >= PULL_INTERVAL_MS && this.client) {
          this.lastPull = this.now();
          const pulled = await pullCentral(this.client, this.o.journal);
          if (pulled.products || pulled.cashiers) this.log(`head office: pulled ${pulled.products} product(s), ${pulled.cashiers} cashier(s)`);
        }
        if (sent === 0) {
          this.state = 'idle';
          await this.sleep(PUSH_IDLE_MS);
        } else {
          await new Promise((r) => setImmediate(r));
        }
      } catch (err) {
        await this.dropClient();
        const refused = err instanceof HeadOfficeRefusal;
        const d = refused ? { message: err.message, permanent: true } : describePgError(err);
        this.state = d.permanent ? 'refused' : 'retrying';
        if (d.message !== this.error) this.log(`head office: ${d.message}`);
        this.error = d.message;
        this.repo.recordError(d.message);
        this.failures++;
        const { minMs, maxMs } = this.o.backoff ?? { minMs: PUSH_BACKOFF_MIN_MS, maxMs: PUSH_BACKOFF_MAX_MS };
        const base = d.permanent ? maxMs : Math.min(maxMs, minMs * 2 ** (this.failures - 1));
        if (!this.stopped) await this.sleep(base / 2 + Math.random() * (base / 2));
      }
    }
  }

  /** Connects if needed and pushes one batch; the number of log entries it acknowledged. */
  async pushOnce(retried = false): Promise<number> {
    if (!this.client) {
      this.state = 'connecting';
      this.client = await connectHeadOffice(this.o.config);
      await this.resync(this.client);
    }
    const client = this.client;
    const local = this.repo.state();
    const batch = this.repo.batchAfter(local.ackedSeq, this.o.batchEntries ?? PUSH_BATCH_ENTRIES, PUSH_BATCH_BYTES);
    if (batch.entries === 0) return 0;
    this.state = 'syncing';
    const behind = this.repo.maxSeq() - batch.upTo;
    await client.query('BEGIN');
    try {
      const cur = await client.query(
        `UPDATE tills SET acked_seq = $2, rows_behind = $3, audit_seq = GREATEST(audit_seq, $4), last_push_at = now(), journal_id = $5
         WHERE till_id = $1 AND acked_seq = $6 AND (journal_id IS NULL OR journal_id = $5)`,
        [this.o.config.tillId, batch.upTo, behind, batch.auditSeq, this.o.journal.journalId, batch.after],
      );
      if (cur.rowCount !== 1) {
        // Another push got there first (a crash after the head office committed): read its cursor.
        await client.query('ROLLBACK');
        if (retried) throw new Error(`the head office did not take the cursor of till "${this.o.config.tillId}" twice in a row`);
        await this.resync(client);
        return this.pushOnce(true);
      }
      await client.query(
        `INSERT INTO till_rows (till_id, tbl, row_key, seq, deleted, data)
         SELECT $1, r.t, r.k, r.s, r.d, r.j FROM jsonb_to_recordset($2::jsonb) AS r(t text, k text, s bigint, d boolean, j jsonb)
         ON CONFLICT (till_id, tbl, row_key) DO UPDATE SET seq = EXCLUDED.seq, deleted = EXCLUDED.deleted, data = EXCLUDED.data, received_at = now()
         WHERE till_rows.seq < EXCLUDED.seq`,
        [this.o.config.tillId, JSON.stringify(batch.rows)],
      );
      await client.query('COMMIT');
    } catch (err) {
      // A refusal by the server leaves the connection usable; a timeout or a cut one is dropped
      // (the server rolls back the transaction of a connection that went away).
      if (isServerError(err)) await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    }
    // Relaxed: if a power cut takes this away, the next connect reads the cursor again.
    this.o.journal.durability.relaxed(() => this.repo.acknowledge(batch.upTo, new Date(this.now()).toISOString()));
    this.o.onAck?.(batch);
    return batch.entries;
  }

  /** Takes the head office's cursor as the truth; refuses what cannot be this till's journal. */
  private async resync(client: pg.Client): Promise<void> {
    const r = await client.query<{ acked_seq: string; journal_id: string | null }>('SELECT acked_seq, journal_id FROM tills WHERE till_id = $1', [this.o.config.tillId]);
    if (!r.rowCount) throw new HeadOfficeRefusal(`the head office does not know till "${this.o.config.tillId}" under this credential (enrol it, or check the till id)`);
    const row = r.rows[0]!;
    if (row.journal_id !== null && row.journal_id !== this.o.journal.journalId) {
      throw new HeadOfficeRefusal(`the head office holds journal ${row.journal_id} for till "${this.o.config.tillId}", this till has journal ${this.o.journal.journalId}: a till cannot switch journals silently (ask the head office to re-enrol it)`);
    }
    // Changes made while no head office was set were not kept in the log: everything goes once.
    if (this.repo.takeFullSend()) this.log('head office: sending the whole journal (it was not logged while no head office was set)');
    const theirs = Number(row.acked_seq);
    const local = this.repo.state().ackedSeq;
    if (theirs > this.repo.maxSeq()) {
      throw new HeadOfficeRefusal(`the head office holds ${theirs} changes of this journal, this till only ${this.repo.maxSeq()}: was it restored from an older backup? Nothing is pushed until the head office has looked at it`);
    }
    if (theirs < local) {
      // The head office lost rows it had acknowledged (restored from its own backup): the log up to
      // here is pruned, so every row is logged again and sent; the upserts make that harmless.
      this.log(`head office: its cursor ${theirs} is behind this till's ${local}; sending the whole journal again`);
      this.repo.relogAll();
    }
    if (theirs !== local) this.o.journal.durability.relaxed(() => this.repo.acknowledge(theirs, new Date(this.now()).toISOString()));
  }
}
