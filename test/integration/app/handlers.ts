// Calling the wired till through the one handler table the renderer uses, as the tests do:
// `call` returns the answer or throws with the error's code and words; `fail` returns the refusal.
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

export async function fail<C extends InvokeChannel>(app: RunningApp, channel: C, payload: InvokePayload<C>): Promise<IpcError> {
  const r = await dispatch(app.handlers, channel, payload, ctx);
  if (r.ok) throw new Error(`${channel}: expected a refusal`);
  return r.error;
}
