// Real-time status (DLE EOT n) of an ESC/POS printer.
//
// The printer answers each DLE EOT n with one byte at once, even while its buffer is full or it
// is out of paper (that is what "real-time" means in the ESC/POS manual). Every answer byte has
// bits 1 and 4 set and bits 0 and 7 clear; a byte without that pattern is not a status answer.
//   n = 1 printer:      bit 3 offline
//   n = 2 offline cause: bit 2 cover open, bit 3 paper being fed by the button,
//                        bit 5 printing stopped by paper end, bit 6 error
//   n = 4 paper sensor: bits 2+3 paper near its end, bits 5+6 paper end
// A printer that does not answer within the time limit reports nothing: status unknown.
import { statusRequest } from './escpos.js';

/** How long one DLE EOT request may wait for its answer byte. */
export const STATUS_REPLY_TIMEOUT_MS = 1_500;

export function isStatusByte(b: number): boolean {
  return (b & 0x93) === 0x12;
}

export interface RawStatus {
  /** False when the printer gave no (valid) answer in time. */
  answered: boolean;
  online: boolean | null;
  paperOut: boolean | null;
  paperNearEnd: boolean | null;
  coverOpen: boolean | null;
  error: boolean | null;
  /** Answer bytes as received, for the log. */
  bytes: number[];
}

export interface StatusLink {
  /** Writes `bytes`, then resolves with the next `replyBytes` bytes, or null after `timeoutMs`. */
  request(bytes: Uint8Array, replyBytes: number, timeoutMs: number): Promise<Uint8Array | null>;
}

/** Asks DLE EOT 1, 2 and 4 in turn over an open link. */
export async function queryStatus(link: StatusLink, timeoutMs = STATUS_REPLY_TIMEOUT_MS): Promise<RawStatus> {
  const unknown: RawStatus = { answered: false, online: null, paperOut: null, paperNearEnd: null, coverOpen: null, error: null, bytes: [] };
  const ask = async (n: 1 | 2 | 4): Promise<number | null> => {
    const reply = await link.request(statusRequest(n), 1, timeoutMs);
    if (!reply || reply.length < 1) return null;
    unknown.bytes.push(reply[0]!);
    return isStatusByte(reply[0]!) ? reply[0]! : null;
  };
  const printer = await ask(1);
  if (printer === null) return unknown;
  const offlineCause = await ask(2);
  const paper = await ask(4);
  const offline = (printer & 0x08) !== 0;
  return {
    answered: true,
    online: !offline,
    // Either sensor may say so: "stopped by paper end" (n=2) or the roll sensor (n=4).
    paperOut: paper === null && offlineCause === null ? null : ((paper ?? 0) & 0x60) !== 0 || ((offlineCause ?? 0) & 0x20) !== 0,
    paperNearEnd: paper === null ? null : (paper & 0x0c) !== 0,
    coverOpen: offlineCause === null ? null : (offlineCause & 0x04) !== 0,
    error: offlineCause === null ? null : (offlineCause & 0x40) !== 0,
    bytes: unknown.bytes,
  };
}
