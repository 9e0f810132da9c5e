// Whether the payment gateway answers. GatewayCaller (every call the engine makes) counts the
// calls without an answer and sets the state here; while the gateway is offline it is probed every
// probeIntervalMs, so the till learns the moment it answers again (and takes mobile payments again).
import type { CallOptions, GatewayClient, GatewayOutcome, MethodName, MethodParams, MethodResult } from '../gateway/client.js';
import type { EngineConfig } from './config.js';

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

/**
 * The engine's one door to the gateway: every call with the configured timeout; offlineAfterFailures
 * calls in a row without an answer (a caller's own abort does not count) mark the gateway offline,
 * and the first answer marks it online again and calls `backOnline`.
 */
export class GatewayCaller {
  private failures = 0;

  constructor(
    private readonly gateway: GatewayClient,
    private readonly cfg: Pick<EngineConfig, 'requestTimeoutMs' | 'offlineAfterFailures'>,
    private readonly watch: OnlineWatch,
    private readonly backOnline: () => void,
  ) {}

  async call<M extends MethodName>(method: M, params: MethodParams<M>, signal?: AbortSignal): Promise<GatewayOutcome<MethodResult<M>>> {
    const opts: CallOptions = { timeoutMs: this.cfg.requestTimeoutMs, ...(signal ? { signal } : {}) };
    const outcome = await this.gateway.call(method, params, opts);
    if (outcome.kind === 'unknown') {
      if (outcome.reason !== 'aborted by the caller') {
        this.failures++;
        if (this.failures >= this.cfg.offlineAfterFailures) this.watch.set(false, outcome.reason);
      }
    } else {
      this.failures = 0;
      if (this.watch.set(true, null)) this.backOnline();
    }
    return outcome;
  }
}
