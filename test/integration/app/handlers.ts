// Calling the wired till through the one handler table the renderer uses, as the tests do:
// `call` returns the answer or throws with the error's code and words; `fail` returns the refusal;
// `dropAnswers` loses the gateway's answers to one method.
import { dispatch } from '../../../electron/ipc/dispatch.js';
import type { RunningApp } from '../../../electron/app/start.js';
import type { InvokeChannel, InvokePayload, InvokeResults } from '../../../shared/ipc/contract.js';
import type { IpcError } from '../../../shared/ipc/errors.js';

export const ctx = { shell: 'browser-host' as const, caller: 'test' };

export async function call<C extends InvokeChannel>(app: RunningApp, channel: C, payload: InvokePayload<C>): Promise<InvokeResults[C]> {
  const r = await dispatch(app.handlers, channel, payload, ctx);
  if (!r.ok) throw new Error(`${channel}: ${r.error.code}: ${r.error.message}`);
  return r.value as InvokeResults[C];
}

/**
 * The gateway acts on every `method` request, but its answer is lost on the way back (the engine
 * sees unknown). Returns the restore: answers get through again.
 */
export function dropAnswers(app: RunningApp, method: string): () => void {
  const client = app.runtime.gateway().client;
  const realCall = client.call.bind(client);
  client.call = (async (m: string, params: never, opts?: never) => {
    const real = await realCall(m as never, params, opts);
    return m === method ? { kind: 'unknown', reason: 'answer dropped (test)' } : real;
  }) as typeof client.call;
  return () => {
    client.call = realCall as typeof client.call;
  };
}

export async function fail<C extends InvokeChannel>(app: RunningApp, channel: C, payload: InvokePayload<C>): Promise<IpcError> {
  const r = await dispatch(app.handlers, channel, payload, ctx);
  if (r.ok) throw new Error(`${channel}: expected a refusal`);
  return r.error;
}
