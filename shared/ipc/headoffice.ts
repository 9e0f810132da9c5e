// The head-office channels of the IPC contract (issue 12): the till's replication status, for
// Settings → 总部 and the top bar. Spread into contract.ts's invokeSchemas, InvokeResults and
// eventSchemas.
import { z } from 'zod';

/** What the till's pusher is doing (electron/headoffice/pusher.ts). */
export const SYNC_STATES = ['off', 'connecting', 'syncing', 'idle', 'retrying', 'refused'] as const;

export const headOfficeStatusSchema = z.strictObject({
  /** A head office is set in the settings. */
  configured: z.boolean(),
  /** off: not configured; idle: everything sent; syncing; connecting; retrying: after a failure; refused: the head office said no (credential, journal). */
  state: z.enum(SYNC_STATES),
  tillId: z.string().nullable(),
  /** When the head office last acknowledged a batch (ISO). */
  lastPushAt: z.string().nullable(),
  /** Journal changes not yet at the head office. */
  behind: z.number().int().min(0),
  /** The last failure, in words (null when fine). */
  error: z.string().nullable(),
  /** Far behind (FAR_BEHIND_ENTRIES waiting, or rows waiting for FAR_BEHIND_MS): the top bar says so. */
  farBehind: z.boolean(),
});
export type HeadOfficeStatusView = z.output<typeof headOfficeStatusSchema>;

export const headOfficeInvokeSchemas = {
  /** The replication status now. */
  'headoffice.status': z.strictObject({}),
  /** Look for changes to send now instead of at the next tick (after a retry wait, too). */
  'headoffice.syncNow': z.strictObject({}),
} as const;

export interface HeadOfficeInvokeResults {
  'headoffice.status': HeadOfficeStatusView;
  'headoffice.syncNow': HeadOfficeStatusView;
}

export const headOfficeEventSchemas = {
  /** The replication status changed (sent at most every STATUS_TICK_MS). */
  'headoffice.status': headOfficeStatusSchema,
} as const;
