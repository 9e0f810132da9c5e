// The invariants of the fault simulation, checked against the sandbox's merchant ledger (the
// truth): every charged order is in a journal as paid or reversed/refunded; no sale is charged
// twice; every attempt reached a final state; journal totals equal ledger totals to the fen.
import type { Journal } from '../../../electron/journal/journal.js';
import type { AttemptRow } from '../../../electron/journal/types.js';
import type { LedgerOrder } from '../../../electron/sandbox/ledger.js';

export interface InvariantRow {
  name: string;
  checked: number;
  failures: number;
  /** The first failure, for the report. */
  example: string | null;
}

class Row implements InvariantRow {
  checked = 0;
  failures = 0;
  example: string | null = null;
  constructor(readonly name: string) {}
  check(ok: boolean, what: () => string): void {
    this.checked++;
    if (!ok) {
      this.failures++;
      this.example ??= what();
    }
  }
}

export function checkInvariants(journals: readonly Journal[], ledgerOrders: readonly LedgerOrder[], terminalIds: readonly string[]): InvariantRow[] {
  const ours = (no: string) => terminalIds.some((t) => no.startsWith(`${t}_`));
  const ledger = new Map(ledgerOrders.filter((o) => ours(o.outTradeNo)).map((o) => [o.outTradeNo, o]));
  const attempts: AttemptRow[] = [];
  const byNo = new Map<string, { a: AttemptRow; j: Journal }>();
  for (const j of journals) {
    for (const a of j.db.prepare('SELECT out_trade_no AS no FROM attempts ORDER BY id').all() as { no: string }[]) {
      const row = j.attempt(a.no)!;
      attempts.push(row);
      byNo.set(row.outTradeNo, { a: row, j });
    }
  }

  const final = new Row('every attempt reached a final state, nothing owed');
  for (const a of attempts) final.check(['paid', 'declined', 'closed', 'refunded'].includes(a.state), () => `${a.outTradeNo} is ${a.state}`);
  for (const j of journals) final.check(j.openWork().length === 0, () => `${j.terminalId} still owes ${j.openWork().map((w) => `${w.action} ${w.ref}`).join(', ')}`);

  const consistent = new Row('journal consistent (states, outbox, sums, audit chain)');
  for (const j of journals) {
    const problems = j.checkInvariants();
    consistent.check(problems.length === 0, () => `${j.terminalId}: ${problems[0]}`);
  }

  const charged = new Row('no charged order ends closed or missing in the journal (paid or reversed)');
  for (const o of ledger.values()) {
    if (o.paidAt === null) continue;
    const hit = byNo.get(o.outTradeNo);
    charged.check(!!hit && (hit.a.state === 'paid' || hit.a.state === 'refunded'), () => `${o.outTradeNo} charged at the gateway (${o.state}), journal: ${hit?.a.state ?? 'missing'}`);
  }

  const agrees = new Row('journal state agrees with the ledger');
  const unknown = new Row('the ledger has no order the journal lacks');
  for (const o of ledger.values()) unknown.check(byNo.has(o.outTradeNo), () => `${o.outTradeNo} (${o.state}) is not in any journal`);
  for (const a of attempts) {
    if (a.kind === 'cash') continue;
    const o = ledger.get(a.outTradeNo);
    const ok =
      a.state === 'paid' ? o?.state === 'paid' : a.state === 'refunded' ? o?.state === 'refunded' : !o || o.paidAt === null; // declined / closed: never charged
    agrees.check(ok, () => `${a.outTradeNo}: journal ${a.state}, ledger ${o ? `${o.state}${o.paidAt ? ' (was paid)' : ''}` : 'no order'}`);
  }

  const once = new Row('no sale charged twice');
  const bySale = new Map<string, number>();
  for (const a of attempts) {
    const o = ledger.get(a.outTradeNo);
    const key = `${a.terminalId}:${a.saleId}`;
    if (!bySale.has(key)) bySale.set(key, 0);
    const kept = a.kind === 'cash' ? 1 : o && o.state === 'paid' ? 1 : 0;
    bySale.set(key, bySale.get(key)! + kept);
  }
  for (const [sale, n] of bySale) once.check(n <= 1, () => `sale ${sale} kept ${n} payments`);

  const refunds = new Row('refunds equal the ledger to the fen, per order');
  for (const { a, j } of byNo.values()) {
    if (a.kind === 'cash') continue;
    const mine = j.refundsOf(a.id);
    const o = ledger.get(a.outTradeNo);
    const theirs = (o?.refunds ?? []).filter((r) => r.kind === 'refund').reduce((s, r) => s + r.amountFen, 0);
    const succeeded = mine.filter((r) => r.state === 'succeeded').reduce((s, r) => s + r.amountFen, 0);
    if (mine.length === 0 && theirs === 0) continue;
    refunds.check(succeeded === theirs && mine.every((r) => r.state === 'succeeded' || r.state === 'failed'), () => `${a.outTradeNo}: journal ${succeeded} fen (${mine.map((r) => r.state).join(',')}), ledger ${theirs} fen`);
  }

  const totals = new Row('journal totals equal ledger totals per channel, to the fen');
  const journalNet = new Map<string, number>();
  for (const j of journals) {
    for (const t of j.channelTotals({ fromDate: '0000-01-01', toDate: '9999-12-31' })) {
      if (t.channel === 'cash') continue;
      journalNet.set(t.channel, (journalNet.get(t.channel) ?? 0) + t.netFen);
    }
  }
  const ledgerNet = new Map<string, number>();
  for (const o of ledger.values()) {
    if (o.paidAt === null) continue;
    ledgerNet.set(o.channel, (ledgerNet.get(o.channel) ?? 0) + o.amountFen - o.refundedFen);
  }
  for (const ch of new Set([...journalNet.keys(), ...ledgerNet.keys()])) {
    totals.check((journalNet.get(ch) ?? 0) === (ledgerNet.get(ch) ?? 0), () => `${ch}: journal ${journalNet.get(ch) ?? 0} fen, ledger ${ledgerNet.get(ch) ?? 0} fen`);
  }
  return [final, consistent, charged, agrees, unknown, once, refunds, totals];
}

export function formatTable(rows: readonly InvariantRow[]): string {
  const lines = rows.map((r) => `${r.failures === 0 ? 'ok  ' : 'FAIL'}  ${r.name.padEnd(60)} ${String(r.checked).padStart(7)} checked  ${String(r.failures).padStart(4)} failed${r.example ? `   e.g. ${r.example}` : ''}`);
  return lines.join('\n');
}
