// Whether the payment gateway answers. engine.ts `call` counts the calls without an answer and
// sets the state here; while the gateway is offline it is probed every probeIntervalMs, so the
// till learns the moment it answers again (and takes mobile payments again).
export type OnlineEvent = { online: boolean; reason: string | null };

export interface OnlineWatchDeps {
  probeIntervalMs: number;
  stopped(): boolean;
  log(line: string): void;
  /** One probe of the gateway; its answer comes back through set(). */
  probe(): void;
  /** Tells the change (the engine's 'online' event). */
  changed(e: OnlineEvent): void;
}

export class OnlineWatch {
  private state: OnlineEvent = { online: true, reason: null };
  private prober: NodeJS.Timeout | null = null;

  constructor(private readonly d: OnlineWatchDeps) {}

  current(): OnlineEvent {
    return { ...this.state };
  }

  get online(): boolean {
    return this.state.online;
  }

  /** Records what the last call said; true when the gateway went offline or came back. */
  set(online: boolean, reason: string | null): boolean {
    if (this.state.online === online) {
      if (!online) this.state.reason = reason;
      return false;
    }
    this.state = { online, reason };
    this.d.log(`gateway ${online ? 'online' : `offline: ${reason}`}`);
    this.d.changed({ ...this.state });
    if (!online && !this.prober && !this.d.stopped()) {
      this.prober = setInterval(() => this.d.probe(), this.d.probeIntervalMs);
      this.prober.unref?.();
    }
    if (online) this.stop();
    return true;
  }

  /** Ends the probing (the engine stops, or the gateway answered). */
  stop(): void {
    if (this.prober) clearInterval(this.prober);
    this.prober = null;
  }
}
