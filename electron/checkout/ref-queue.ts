// The payment engine's scheduling, without payment rules: the steps of one ref (an out_trade_no
// or out_refund_no) run one at a time while different refs run side by side; background work is
// tracked until it settles (stop waits for it); each ref has at most one timer.
export class RefQueue {
  private readonly locks = new Map<string, Promise<unknown>>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly inflight = new Set<Promise<unknown>>();

  constructor(private readonly log: (line: string) => void) {}

  /** Runs fn after every earlier fn of this ref has settled. The lock is taken at once, before any await. */
  withLock<T>(ref: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.locks.get(ref) ?? Promise.resolve();
    const run = prev.then(fn, fn);
    const tail = run.then(
      () => undefined,
      () => undefined,
    );
    this.locks.set(ref, tail);
    void tail.then(() => {
      if (this.locks.get(ref) === tail) this.locks.delete(ref);
    });
    return run;
  }

  /** Whether a step of this ref is running or waiting for the lock. */
  isLocked(ref: string): boolean {
    return this.locks.has(ref);
  }

  /** Keeps a background promise until it settles; a failure is logged. Returns p itself. */
  track<T>(p: Promise<T>): Promise<T> {
    const t = p.catch((e: unknown) => this.log(`background step failed: ${(e as Error).stack ?? String(e)}`)) as Promise<unknown>;
    this.inflight.add(t);
    void t.finally(() => this.inflight.delete(t));
    return p;
  }

  /** The ref's one timer: fn after delayMs (an earlier timer of the ref is cleared first). */
  arm(ref: string, delayMs: number, fn: () => void): void {
    this.disarm(ref);
    const t = setTimeout(() => {
      this.timers.delete(ref);
      fn();
    }, delayMs);
    this.timers.set(ref, t);
  }

  disarm(ref: string): void {
    const old = this.timers.get(ref);
    if (old) clearTimeout(old);
    this.timers.delete(ref);
  }

  clearTimers(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }

  /** Resolves when no tracked promise is left (including ones started meanwhile). */
  async drain(): Promise<void> {
    while (this.inflight.size > 0) await Promise.allSettled([...this.inflight]);
  }
}
