// The hash-chained audit log: every money change leaves a linked entry; tampering with any entry
// (edited, removed, reordered) is reported at the first broken link.
import { afterAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { GENESIS_HASH, auditHash } from '../../../electron/journal/audit.js';
import { openTemp, tempDir } from './helpers.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

function filled(name: string) {
  const j = openTemp(tmp.dir, name);
  for (let i = 0; i < 5; i++) {
    const a = j.createAttempt({ kind: 'scan', channel: 'alipay', method: 'alipay.scan_qr_code_pay', amountFen: 100 + i, settleDueAtMs: 0 });
    j.transition(a.outTradeNo, 'paid', { source: 'scan' });
  }
  return j;
}

/** Opens the file bypassing the append-only triggers, as an attacker with the file would. */
function tamper(path: string, sql: string) {
  const raw = new Database(path);
  raw.exec('DROP TRIGGER audit_log_append_only_u; DROP TRIGGER audit_log_append_only_d;');
  raw.exec(sql);
  raw.close();
}

describe('audit chain', () => {
  it('links every entry to the one before, from the genesis hash', () => {
    const j = filled('a.db');
    const rows = j.audit.entries();
    expect(rows).toHaveLength(10);
    expect(rows[0]!.prevHash).toBe(GENESIS_HASH);
    for (let i = 1; i < rows.length; i++) expect(rows[i]!.prevHash).toBe(rows[i - 1]!.hash);
    expect(j.verifyAudit()).toEqual({ ok: true, entries: 10, lastHash: rows[9]!.hash });
    j.close();
  });

  it('reports an edited entry as the first broken link', () => {
    const j = filled('b.db');
    const path = j.db.name;
    j.close();
    tamper(path, `UPDATE audit_log SET data = replace(data, '"amountFen":102', '"amountFen":1') WHERE seq = 5`);
    const j2 = openTemp(tmp.dir, 'b.db');
    expect(j2.verifyAudit()).toEqual({ ok: false, entries: 5, firstBrokenSeq: 5, reason: 'entry 5 was changed after it was written (its hash does not match its content)' });
    j2.close();
  });

  it('reports a removed entry', () => {
    const j = filled('c.db');
    const path = j.db.name;
    j.close();
    tamper(path, 'DELETE FROM audit_log WHERE seq = 3');
    const j2 = openTemp(tmp.dir, 'c.db');
    expect(j2.verifyAudit()).toMatchObject({ ok: false, firstBrokenSeq: 4, reason: 'entry 3 is missing (next entry is 4)' });
    j2.close();
  });

  it('reports an entry re-hashed on its own (the next link breaks)', () => {
    const j = filled('d.db');
    const path = j.db.name;
    const e = j.audit.entries()[6]!;
    j.close();
    const data = '{"forged":true}';
    tamper(path, `UPDATE audit_log SET data = '${data}', hash = '${auditHash(e.prevHash, e.seq, e.at, e.kind, e.subject, data)}' WHERE seq = 7`);
    const j2 = openTemp(tmp.dir, 'd.db');
    expect(j2.verifyAudit()).toMatchObject({ ok: false, firstBrokenSeq: 8, reason: 'entry 8 does not point at the hash of entry 7' });
    j2.close();
  });

  it('refuses entries written outside a transaction', () => {
    const j = openTemp(tmp.dir, 'e.db');
    expect(() => j.audit.append({ at: 'x', kind: 'k', subject: 's', data: {} })).toThrow(/inside the transaction/);
    j.close();
  });
});
