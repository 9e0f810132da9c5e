// Every migration of the journal database, in order. One file each: `NNN_name.ts`.
//   001–049  payments / journal room
//   050–089  shift / printer room (add your imports and entries in your own block below)
//   090–099  head office (replication log)
// test/unit/journal/migrations/registry.test.ts fails when a file here is not listed.
import type { Migration } from '../migrate.js';
import { migration as m001 } from './001_payments.js';
import { migration as m002 } from './002_owed_work.js';
import { migration as m003 } from './003_audit_log.js';
import { migration as m004 } from './004_withdrawals.js';
import { migration as m005 } from './005_paid_after_close.js';
import { migration as m006 } from './006_order_number_suffix.js';
import { migration as m007 } from './007_confirmations.js';
import { migration as m010 } from './010_catalogue.js';
import { migration as m011 } from './011_sale_goods.js';
import { migration as m012 } from './012_held_sales.js';
import { migration as m050 } from './050_shifts.js';
import { migration as m051 } from './051_print_jobs.js';
import { migration as m052 } from './052_shift_counts.js';
import { migration as m053 } from './053_reconciliation_confirmed.js';
import { migration as m090 } from './090_replication.js';

const JOURNAL_ROOM: readonly Migration[] = [m001, m002, m003, m004, m005, m006, m007];

// 010–029: goods (catalogue, sale lines of goods, held sales).
const GOODS_ROOM: readonly Migration[] = [m010, m011, m012];

// 050–099: shift / printer room.
const SHIFT_ROOM: readonly Migration[] = [m050, m051, m052, m053];

// 090–099: head office (issue 12). Last, because its triggers log tables of every room above.
const HEAD_OFFICE_ROOM: readonly Migration[] = [m090];

export const MIGRATIONS: readonly Migration[] = [...JOURNAL_ROOM, ...GOODS_ROOM, ...SHIFT_ROOM, ...HEAD_OFFICE_ROOM].sort((a, b) => a.version - b.version);
