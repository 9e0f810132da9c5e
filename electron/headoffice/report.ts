// The head office's day report across tills and shops, from the replicated rows (schema views):
// takings per channel (chain, shop, till) with the till's own rules (electron/journal/repos/
// reports.ts: sales = paid + refunded attempts, reversals = refunded attempts, refunds = succeeded
// refunds, net = sales − refunds − reversals), per cashier, the shifts' cash variances, and the
// reconciliation status (orders the gateway confirmed, the shifts' reconciliations); and the audit
// chains checked again centrally. Rendered as text (CLI) and as a page (server.ts).
import type pg from 'pg';
import { PAY_CHANNELS, type PayChannel } from '../../shared/payment.js';
import { formatYuan, isFen, type Fen } from '../../shared/money.js';
import { verifyAuditRows, type AuditCheck, type AuditRow } from '../journal/audit.js';
import type { ChannelTotals } from '../../shared/ipc/contract.js';

/** A channel's line: the same shape (and the same rules) as a till's own totals. */
export type ChannelLine = ChannelTotals;

export interface TillLine {
  tillId: string;
  shopId: string;
  lastPushAt: string | null;
  rowsBehind: number;
  auditSeq: number;
  channels: ChannelLine[];
  netFen: Fen;
  /** Paid orders of the day the gateway confirmed (callback, final query, reconciliation) / all paid. */
  confirmed: number;
  paid: number;
  /** The day's reconciliations at this till: how many, how many matched. */
  reconciliations: number;
  reconciliationsMatched: number;
}

export interface HeadOfficeDayReport {
  date: string;
  generatedAt: string;
  channels: ChannelLine[];
  shops: { shopId: string; netFen: Fen; tills: number }[];
  tills: TillLine[];
  cashiers: { tillId: string; cashierId: string; name: string; orders: number; netFen: Fen }[];
  shifts: { tillId: string; shiftId: number; cashierId: string; openedAt: string; closedAt: string | null; expectedFen: Fen | null; countedFen: Fen | null; varianceFen: Fen | null; reason: string | null }[];
  netFen: Fen;
}

type Key = { till_id: string; channel: PayChannel };

function lineOf(map: Map<string, ChannelLine>, channel: PayChannel): ChannelLine {
  let l = map.get(channel);
  if (!l) map.set(channel, (l = { channel, salesCount: 0, salesFen: 0, refundsCount: 0, refundsFen: 0, reversalsCount: 0, reversalsFen: 0, netFen: 0 }));
  return l;
}

function finish(map: Map<string, ChannelLine>): ChannelLine[] {
  const out = PAY_CHANNELS.filter((c) => map.has(c)).map((c) => map.get(c)!);
  for (const l of out) {
    l.netFen = l.salesFen - l.refundsFen - l.reversalsFen;
    if (!isFen(l.netFen)) throw new Error(`head office totals of ${l.channel}: not a whole number of fen`);
  }
  return out;
}

export async function dayReport(db: pg.ClientBase, date: string): Promise<HeadOfficeDayReport> {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new Error(`date "${date}": must be yyyy-MM-dd`);
  const tills = await db.query<{ till_id: string; shop_id: string; last_push_at: Date | null; rows_behind: string; audit_seq: string }>(
    'SELECT till_id, shop_id, last_push_at, rows_behind, audit_seq FROM tills ORDER BY shop_id, till_id',
  );
  const attempts = await db.query<Key & { state: string; n: string; fen: string; confirmed: string }>(
    `SELECT till_id, channel, state, count(*) AS n, sum(amount_fen) AS fen, count(confirmed_by) AS confirmed
     FROM ho_attempts WHERE business_date = $1 AND state IN ('paid', 'refunded') GROUP BY till_id, channel, state`, [date]);
  const refunds = await db.query<Key & { n: string; fen: string }>(
    `SELECT till_id, channel, count(*) AS n, sum(amount_fen) AS fen FROM ho_refunds WHERE business_date = $1 AND state = 'succeeded' GROUP BY till_id, channel`, [date]);
  const recs = await db.query<{ till_id: string; n: string; matched: string }>(
    `SELECT till_id, count(*) AS n, count(*) FILTER (WHERE matches) AS matched FROM ho_reconciliations
     WHERE business_date = $1 OR shift_id IN (SELECT id FROM ho_shifts s WHERE s.till_id = ho_reconciliations.till_id AND s.business_date = $1) GROUP BY till_id`, [date]);
  const cashiers = await db.query<{ till_id: string; cashier_id: string; name: string | null; orders: string; fen: string }>(
    `WITH moves AS (
       SELECT a.till_id, a.shift_id, 1 AS orders, a.amount_fen - CASE WHEN a.state = 'refunded' THEN a.amount_fen ELSE 0 END AS fen
         FROM ho_attempts a WHERE a.business_date = $1 AND a.state IN ('paid', 'refunded')
       UNION ALL
       SELECT r.till_id, r.shift_id, 0, -r.amount_fen FROM ho_refunds r WHERE r.business_date = $1 AND r.state = 'succeeded')
     SELECT m.till_id, coalesce(s.cashier_id, '-') AS cashier_id, max(c.name) AS name, sum(m.orders) AS orders, sum(m.fen) AS fen
     FROM moves m LEFT JOIN ho_shifts s ON s.till_id = m.till_id AND s.id = m.shift_id
     LEFT JOIN ho_till_cashiers c ON c.till_id = m.till_id AND c.id = s.cashier_id
     GROUP BY m.till_id, coalesce(s.cashier_id, '-') ORDER BY m.till_id, 2`, [date]);
  const shifts = await db.query<{ till_id: string; id: string; cashier_id: string; opened_at: string; closed_at: string | null; expected_fen: string | null; counted_fen: string | null; variance_fen: string | null; variance_reason: string | null }>(
    'SELECT till_id, id, cashier_id, opened_at, closed_at, expected_fen, counted_fen, variance_fen, variance_reason FROM ho_shifts WHERE business_date = $1 ORDER BY till_id, id', [date]);

  const chain = new Map<string, ChannelLine>();
  const perTill = new Map<string, { lines: Map<string, ChannelLine>; paid: number; confirmed: number }>();
  const tillOf = (id: string) => {
    let t = perTill.get(id);
    if (!t) perTill.set(id, (t = { lines: new Map(), paid: 0, confirmed: 0 }));
    return t;
  };
  for (const a of attempts.rows) {
    const n = Number(a.n);
    const fen = Number(a.fen);
    const t = tillOf(a.till_id);
    for (const l of [lineOf(chain, a.channel), lineOf(t.lines, a.channel)]) {
      l.salesCount += n;
      l.salesFen += fen;
      if (a.state === 'refunded') {
        l.reversalsCount += n;
        l.reversalsFen += fen;
      }
    }
    if (a.state === 'paid') {
      t.paid += n;
      t.confirmed += Number(a.confirmed);
    }
  }
  for (const r of refunds.rows) {
    for (const l of [lineOf(chain, r.channel), lineOf(tillOf(r.till_id).lines, r.channel)]) {
      l.refundsCount += Number(r.n);
      l.refundsFen += Number(r.fen);
    }
  }
  const recOf = new Map(recs.rows.map((r) => [r.till_id, r]));
  const tillLines: TillLine[] = tills.rows.map((t) => {
    const mine = tillOf(t.till_id);
    const channels = finish(mine.lines);
    return {
      tillId: t.till_id,
      shopId: t.shop_id,
      lastPushAt: t.last_push_at?.toISOString() ?? null,
      rowsBehind: Number(t.rows_behind),
      auditSeq: Number(t.audit_seq),
      channels,
      netFen: channels.reduce((s, l) => s + l.netFen, 0),
      confirmed: mine.confirmed,
      paid: mine.paid,
      reconciliations: Number(recOf.get(t.till_id)?.n ?? 0),
      reconciliationsMatched: Number(recOf.get(t.till_id)?.matched ?? 0),
    };
  });
  const shops = new Map<string, { shopId: string; netFen: Fen; tills: number }>();
  for (const t of tillLines) {
    const s = shops.get(t.shopId) ?? { shopId: t.shopId, netFen: 0, tills: 0 };
    s.netFen += t.netFen;
    s.tills++;
    shops.set(t.shopId, s);
  }
  const channels = finish(chain);
  const num = (v: string | null) => (v === null ? null : Number(v));
  return {
    date,
    generatedAt: new Date().toISOString(),
    channels,
    shops: [...shops.values()],
    tills: tillLines,
    cashiers: cashiers.rows.map((c) => ({ tillId: c.till_id, cashierId: c.cashier_id, name: c.name ?? c.cashier_id, orders: Number(c.orders), netFen: Number(c.fen) })),
    shifts: shifts.rows.map((s) => ({ tillId: s.till_id, shiftId: Number(s.id), cashierId: s.cashier_id, openedAt: s.opened_at, closedAt: s.closed_at, expectedFen: num(s.expected_fen), countedFen: num(s.counted_fen), varianceFen: num(s.variance_fen), reason: s.variance_reason })),
    netFen: channels.reduce((s, l) => s + l.netFen, 0),
  };
}

/** Each till's audit chain as the head office holds it, walked again from entry 1. */
export async function verifyCentralAudit(db: pg.ClientBase): Promise<{ tillId: string; check: AuditCheck; heldUpTo: number }[]> {
  const tills = await db.query<{ till_id: string; audit_seq: string }>('SELECT till_id, audit_seq FROM tills ORDER BY till_id');
  const out: { tillId: string; check: AuditCheck; heldUpTo: number }[] = [];
  for (const t of tills.rows) {
    const rows = await db.query<{ seq: string; at: string; kind: string; subject: string; data: string; prev_hash: string; hash: string }>(
      `SELECT data->>'seq' AS seq, data->>'at' AS at, data->>'kind' AS kind, data->>'subject' AS subject, data->>'data' AS data,
              data->>'prev_hash' AS prev_hash, data->>'hash' AS hash
       FROM till_rows WHERE till_id = $1 AND tbl = 'audit_log' AND NOT deleted ORDER BY row_key::bigint`, [t.till_id]);
    const chain: AuditRow[] = rows.rows.map((r) => ({ seq: Number(r.seq), at: r.at, kind: r.kind, subject: r.subject, data: r.data, prevHash: r.prev_hash, hash: r.hash }));
    out.push({ tillId: t.till_id, check: verifyAuditRows(chain), heldUpTo: Number(t.audit_seq) });
  }
  return out;
}

const y = (fen: Fen | null) => (fen === null ? '-' : formatYuan(fen));

export function reportText(r: HeadOfficeDayReport): string {
  const out: string[] = [`总部日报 Head office day report ${r.date}   (generated ${r.generatedAt})`, ''];
  out.push('Channel      sales  yuan        refunds  yuan      reversals  yuan      net yuan');
  for (const l of r.channels) out.push(`${l.channel.padEnd(10)} ${String(l.salesCount).padStart(6)}  ${y(l.salesFen).padStart(12)} ${String(l.refundsCount).padStart(6)}  ${y(l.refundsFen).padStart(10)} ${String(l.reversalsCount).padStart(6)}  ${y(l.reversalsFen).padStart(10)}  ${y(l.netFen).padStart(12)}`);
  out.push(`${'TOTAL'.padEnd(10)} ${' '.repeat(68)}${y(r.netFen).padStart(12)}`, '');
  out.push('Shop / till        net yuan   confirmed/paid  reconciliations  behind  last sync');
  for (const t of r.tills) out.push(`${`${t.shopId}/${t.tillId}`.padEnd(16)} ${y(t.netFen).padStart(12)}   ${`${t.confirmed}/${t.paid}`.padStart(12)}   ${`${t.reconciliationsMatched}/${t.reconciliations} matched`.padStart(15)}  ${String(t.rowsBehind).padStart(6)}  ${t.lastPushAt ?? 'never'}`);
  for (const s of r.shops) out.push(`shop ${s.shopId}: ${y(s.netFen)} yuan from ${s.tills} till(s)`);
  out.push('', 'Cashier                      orders   net yuan');
  for (const c of r.cashiers) out.push(`${`${c.tillId} ${c.cashierId === '-' ? '(no shift open)' : `${c.name} (${c.cashierId})`}`.padEnd(28)} ${String(c.orders).padStart(6)}  ${y(c.netFen).padStart(10)}`);
  out.push('', 'Shift                 expected    counted   variance  reason');
  for (const s of r.shifts) out.push(`${`${s.tillId} #${s.shiftId} ${s.cashierId}`.padEnd(20)} ${y(s.expectedFen).padStart(10)} ${y(s.countedFen).padStart(10)} ${y(s.varianceFen).padStart(10)}  ${s.closedAt ? (s.reason ?? '') : 'open'}`);
  return `${out.join('\n')}\n`;
}
