// Two kinds of commit. Every commit is atomic and survives a crash of the app (WAL). A *durable*
// commit (synchronous=FULL, the default) also survives a power cut: its WAL frames are fsynced
// before the commit returns. A *relaxed* commit (synchronous=NORMAL for that one transaction) is
// not fsynced on the spot: it rides on the next durable commit's fsync (one fsync of the WAL file
// makes every frame before it durable too), or on the flush this module schedules within
// RELAXED_FLUSH_MS, whichever comes first.
//
// Only a commit whose loss the till can repair by itself may be relaxed: the gateway's answer to
// a payment whose order number is already durable. If a power cut takes that answer away, the
// attempt is back to `created` with its settle row owed, and recovery asks the gateway again
// (trade.query) — the order cannot be lost, only re-learnt. So the cashier waits for one fsync
// per payment (the order number, before the request leaves), not two.
import { closeSync, fsyncSync, openSync } from 'node:fs';
import type Database from 'better-sqlite3';

/** A relaxed commit is made durable by a flush this long after it at the latest. */
export const RELAXED_FLUSH_MS = 250;

export class Durability {
  private timer: NodeJS.Timeout | null = null;
  private pending = false;

  constructor(
    private readonly db: Database.Database,
    /** The database file; its WAL is `${path}-wal`. ':memory:' has nothing to flush. */
    private readonly path: string,
  ) {}

  /** Runs `fn` (one or more transactions) with relaxed commits, then schedules the flush. */
  relaxed<T>(fn: () => T): T {
    if (this.db.inTransaction) throw new Error('relaxed(): call it outside a transaction (the sync level is per commit)');
    this.db.pragma('synchronous = NORMAL');
    try {
      return fn();
    } finally {
      this.db.pragma('synchronous = FULL');
      this.pending = true;
      if (!this.timer) {
        this.timer = setTimeout(() => this.flush(), RELAXED_FLUSH_MS);
        this.timer.unref?.();
      }
    }
  }

  /** fsyncs the WAL if a relaxed commit may not be on the disk yet. Safe to call any time. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (!this.pending || this.path === ':memory:' || !this.db.open) return;
    this.pending = false;
    let fd: number | null = null;
    try {
      fd = openSync(`${this.path}-wal`, 'r+');
      fsyncSync(fd);
    } catch (e) {
      // No WAL file: a checkpoint has moved everything into the database file (and synced it).
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    } finally {
      if (fd !== null) closeSync(fd);
    }
  }
}
