// One entry for every call from the renderer: is the channel in the contract, does the payload
// match its schema, then the handler. Every failure comes back as data (IpcResult), never a throw,
// and a payload that fails validation reaches no service: it changes nothing.
import { invokeSchemas, isInvokeChannel, type InvokeChannel, type IpcResultOf } from '../../shared/ipc/contract.js';
import { PosError, type IpcError, type IpcIssue, type IpcResult } from '../../shared/ipc/errors.js';
import type { CallContext, HandlerTable } from './types.js';

export type Logger = (line: string) => void;

/** A bug's answer: the detail went to the main-process log; the renderer gets no stack and no secrets. */
export function internalError(channel: string): { ok: false; error: IpcError } {
  return { ok: false, error: { code: 'internal', message: `${channel}: internal error (see the till's log)` } };
}

export async function dispatch(table: HandlerTable, channel: unknown, payload: unknown, ctx: CallContext, log: Logger = () => {}): Promise<IpcResult<unknown>> {
  if (!isInvokeChannel(channel)) {
    return { ok: false, error: { code: 'unknown_channel', message: `unknown channel: ${String(channel).slice(0, 64)}` } };
  }
  return dispatchKnown(table, channel, payload, ctx, log);
}

async function dispatchKnown<C extends InvokeChannel>(table: HandlerTable, channel: C, payload: unknown, ctx: CallContext, log: Logger): Promise<IpcResultOf<C>> {
  const schema = invokeSchemas[channel];
  const parsed = schema.safeParse(payload ?? {});
  if (!parsed.success) {
    const issues: IpcIssue[] = parsed.error.issues.map((i) => {
      const path = i.path.map(String).join('.');
      return { path, message: path ? `${path}: ${i.message}` : i.message };
    });
    return { ok: false, error: { code: 'invalid_payload', message: `${channel}: ${issues.map((i) => i.message).join('; ')}`, issues } };
  }
  try {
    const handler = table[channel] as unknown as (p: unknown, c: CallContext) => unknown;
    const value = (await handler(parsed.data, ctx)) as IpcResultOf<C> extends { ok: true; value: infer V } ? V : never;
    return { ok: true, value } as IpcResultOf<C>;
  } catch (err) {
    if (err instanceof PosError) return { ok: false, error: err.toIpc() };
    // A bug. The detail goes to the main-process log; the renderer gets no stack and no secrets.
    log(`ipc ${channel} from ${ctx.caller} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    return internalError(channel) as IpcResultOf<C>;
  }
}
