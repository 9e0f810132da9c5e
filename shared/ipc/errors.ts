// Every answer across the IPC boundary is data: { ok: true, value } or { ok: false, error }.
// Error codes are stable strings grouped by what they mean to the renderer, not by where they arose.

export type IpcErrorCode =
  | 'invalid_payload' // the payload broke the channel's schema; `issues` names each field and rule
  | 'unknown_channel' // no such channel in the contract
  | 'forbidden_sender' // the request did not come from the app's own frame / token
  | 'not_found' // the thing named (order, shift, port…) does not exist
  | 'conflict' // the request clashes with the current state (e.g. a payment already running)
  | 'pin_required' // the manager PIN was missing or wrong
  | 'offline' // the gateway cannot be reached; mobile payments are refused until it answers
  | 'rejected' // the gateway answered with a non-zero status code (see `gatewayCode`)
  | 'invalid_settings' // settings refused; `issues` names each field
  | 'unavailable' // a device or service is not there (no scanner, no printer, no keyring…)
  | 'internal'; // a bug: logged in main with detail, told to the renderer without secrets

export interface IpcIssue {
  /** Dotted path of the field, e.g. "amountFen" or "lines.0.qty"; "" for the whole payload. */
  path: string;
  message: string;
}

export interface IpcError {
  code: IpcErrorCode;
  message: string;
  issues?: IpcIssue[];
  /** The gateway status code for `rejected`. */
  gatewayCode?: number;
  /** invalid_settings refused by the gateway check: its result (GatewayCheckResult). */
  checkResult?: string;
}

export type IpcResult<T> = { ok: true; value: T } | { ok: false; error: IpcError };

/** Thrown inside main-process services to answer a typed error; the dispatcher turns it into data. */
export class PosError extends Error {
  override name = 'PosError';
  constructor(
    readonly code: IpcErrorCode,
    message: string,
    readonly extra: { issues?: IpcIssue[]; gatewayCode?: number; checkResult?: string } = {},
  ) {
    super(message);
  }

  toIpc(): IpcError {
    return { code: this.code, message: this.message, ...this.extra };
  }
}
