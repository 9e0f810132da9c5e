// The only file of the renderer that touches window.pos. In Electron the preload exposes it; in the
// browser host it is carried over a WebSocket to the same handler table. Stores call `call()`.
import type { EventChannel, EventPayload, InvokeChannel, InvokePayload, InvokeResults, IpcResultOf, PosApi } from '../shared/ipc/contract';
import type { IpcError } from '../shared/ipc/errors';

declare global {
  interface Window {
    pos?: PosApi;
  }
}

/** A call not answered within this is reported as unavailable (a payment answers within ~10 s). */
export const CALL_TIMEOUT_MS = 90_000;
/** Reconnect to the browser host after a drop: first wait, and the cap of the doubling wait. */
export const RECONNECT_FIRST_MS = 250;
export const RECONNECT_MAX_MS = 5_000;

export class ApiError extends Error {
  override name = 'ApiError';
  constructor(readonly error: IpcError) {
    super(error.message);
  }
}

type Listener = (payload: unknown) => void;

function createHostApi(): PosApi {
  const token = new URLSearchParams(location.search).get('token') ?? '';
  const listeners = new Map<string, Set<Listener>>();
  const pending = new Map<number, { resolve: (r: unknown) => void; timer: ReturnType<typeof setTimeout> }>();
  const queue: string[] = [];
  let nextId = 1;
  let socket: WebSocket | null = null;
  let retryMs = RECONNECT_FIRST_MS;

  function failAll(message: string): void {
    for (const [id, p] of pending) {
      clearTimeout(p.timer);
      p.resolve({ ok: false, error: { code: 'unavailable', message } });
      pending.delete(id);
    }
  }

  function connect(): void {
    const ws = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws?token=${encodeURIComponent(token)}`);
    socket = ws;
    ws.onopen = () => {
      retryMs = RECONNECT_FIRST_MS;
      while (queue.length) ws.send(queue.shift()!);
    };
    ws.onmessage = (ev) => {
      const msg = JSON.parse(String(ev.data)) as { type: string; id?: number; result?: unknown; event?: string; payload?: unknown };
      if (msg.type === 'result' && typeof msg.id === 'number') {
        const p = pending.get(msg.id);
        if (p) {
          clearTimeout(p.timer);
          pending.delete(msg.id);
          p.resolve(msg.result);
        }
      } else if (msg.type === 'event' && msg.event) {
        for (const l of listeners.get(msg.event) ?? []) l(msg.payload);
      }
    };
    ws.onclose = () => {
      socket = null;
      failAll('the connection to the till service dropped; retrying');
      setTimeout(connect, retryMs);
      retryMs = Math.min(retryMs * 2, RECONNECT_MAX_MS);
    };
  }
  connect();

  return {
    invoke(channel, payload) {
      const id = nextId++;
      const text = JSON.stringify({ id, channel, payload });
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          resolve({ ok: false, error: { code: 'unavailable', message: `${channel}: no answer within ${CALL_TIMEOUT_MS / 1000} s` } } as never);
        }, CALL_TIMEOUT_MS);
        pending.set(id, { resolve: resolve as (r: unknown) => void, timer });
        if (socket && socket.readyState === WebSocket.OPEN) socket.send(text);
        else queue.push(text);
      });
    },
    on(event, listener) {
      const set = listeners.get(event) ?? new Set<Listener>();
      set.add(listener as Listener);
      listeners.set(event, set);
      return () => set.delete(listener as Listener);
    },
  };
}

const pos: PosApi = window.pos ?? createHostApi();

/** Calls the main side; resolves with the raw IpcResult (stores that show errors inline use this). */
export function invoke<C extends InvokeChannel>(channel: C, payload: InvokePayload<C>): Promise<IpcResultOf<C>> {
  return pos.invoke(channel, payload);
}

/** Calls the main side; throws ApiError with the typed error when it answers an error. */
export async function call<C extends InvokeChannel>(channel: C, payload: InvokePayload<C>): Promise<InvokeResults[C]> {
  const result = await pos.invoke(channel, payload);
  if (!result.ok) throw new ApiError(result.error);
  return result.value;
}

export function onEvent<E extends EventChannel>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
  return pos.on(event, listener);
}

/** Whether this window runs in Electron (preload present) or in a browser through the host. */
export const inElectron = window.pos !== undefined;
