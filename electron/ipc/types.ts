// The handler table: one function per invoke channel of the contract. Electron's ipcMain and the
// browser host's WebSocket both call dispatch() with this table; neither has handlers of its own.
import type { InvokeChannel, InvokeParsed, InvokeResults } from '../../shared/ipc/contract.js';

/** Who is calling: checked by the shell (sender frame) or the host (token + origin) before dispatch. */
export interface CallContext {
  shell: 'electron' | 'browser-host';
  /** An id for the window / connection, for logs. */
  caller: string;
}

export type Handler<C extends InvokeChannel> = (payload: InvokeParsed<C>, ctx: CallContext) => Promise<InvokeResults[C]> | InvokeResults[C];
export type HandlerTable = { [C in InvokeChannel]: Handler<C> };
/** Each room contributes the handlers of its channels. */
export type PartialHandlers = Partial<HandlerTable>;
