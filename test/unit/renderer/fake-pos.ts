// A stand-in for the main side in renderer unit tests: answers invoke() from a table the test fills
// and lets the test fire events. (E2E tests use the real main side through the browser host.)
import type { EventChannel, EventPayload, InvokeChannel, InvokePayload, IpcResultOf, PosApi } from '../../../shared/ipc/contract';

type Answer = (payload: unknown) => unknown;

export class FakePos implements PosApi {
  readonly calls: { channel: InvokeChannel; payload: unknown }[] = [];
  private readonly answers = new Map<string, Answer>();
  private readonly listeners = new Map<string, Set<(p: unknown) => void>>();

  answer<C extends InvokeChannel>(channel: C, fn: (payload: InvokePayload<C>) => IpcResultOf<C> | Promise<IpcResultOf<C>>): void {
    this.answers.set(channel, fn as Answer);
  }

  async invoke<C extends InvokeChannel>(channel: C, payload: InvokePayload<C>): Promise<IpcResultOf<C>> {
    this.calls.push({ channel, payload });
    const fn = this.answers.get(channel);
    if (!fn) return { ok: false, error: { code: 'unavailable', message: `${channel}: not available in this build` } } as IpcResultOf<C>;
    return (await fn(payload)) as IpcResultOf<C>;
  }

  on<E extends EventChannel>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
    const set = this.listeners.get(event) ?? new Set();
    set.add(listener as (p: unknown) => void);
    this.listeners.set(event, set);
    return () => set.delete(listener as (p: unknown) => void);
  }

  emit<E extends EventChannel>(event: E, payload: EventPayload<E>): void {
    for (const l of this.listeners.get(event) ?? []) l(payload);
  }
}

export const fakePos = new FakePos();
// renderer/api.ts picks window.pos when the module is first loaded: install before importing it.
(window as unknown as { pos: PosApi }).pos = fakePos;
