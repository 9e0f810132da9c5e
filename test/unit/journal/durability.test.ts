// Relaxed commits: the gateway's answer to a payment is committed without its own fsync, and made
// durable by the next durable commit or by a flush within RELAXED_FLUSH_MS.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Journal } from '../../../electron/journal/journal.js';
import { RELAXED_FLUSH_MS } from '../../../electron/journal/durability.js';

const dirs: string[] = [];
function journalAt(): { j: Journal; path: string } {
  const dir = mkdtempSync(join(tmpdir(), 'pos-durability-'));
  dirs.push(dir);
  const path = join(dir, 'journal.db');
  return { j: Journal.open({ path, terminalId: 'T01' }), path };
}
afterEach(() => {
  vi.useRealTimers();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const sync = (j: Journal) => j.db.pragma('synchronous', { simple: true });

describe('relaxed commits', () => {
  it('commit with synchronous=NORMAL inside, and go back to FULL after, also when the work throws', () => {
    const { j } = journalAt();
    expect(sync(j)).toBe(2);
    const a = j.createAttempt({ kind: 'scan', channel: 'weixin', method: 'weixin.scan_qr_code_pay', amountFen: 100, settleDueAtMs: 0 });
    const seen = j.durability.relaxed(() => {
      const inside = sync(j);
      j.transition(a.outTradeNo, 'paid', { source: 'scan', tradeNo: 'GW1' });
      return inside;
    });
    expect(seen).toBe(1);
    expect(sync(j)).toBe(2);
    expect(j.attempt(a.outTradeNo)!.state).toBe('paid');
    expect(() => j.durability.relaxed(() => { throw new Error('boom'); })).toThrow('boom');
    expect(sync(j)).toBe(2);
    j.close();
  });

  it('refuses to change the sync level inside a transaction', () => {
    const { j } = journalAt();
    expect(() => j.db.transaction(() => j.durability.relaxed(() => 1))()).toThrow(/outside a transaction/);
    j.close();
  });

  it('schedules one flush within RELAXED_FLUSH_MS, and flushes at close', () => {
    vi.useFakeTimers();
    const { j } = journalAt();
    const flush = vi.spyOn(j.durability, 'flush');
    j.durability.relaxed(() => j.note('test.relaxed', 'x', {}));
    j.durability.relaxed(() => j.note('test.relaxed', 'y', {}));
    vi.advanceTimersByTime(RELAXED_FLUSH_MS - 1);
    expect(flush).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(flush).toHaveBeenCalledTimes(1);
    j.close();
    expect(flush).toHaveBeenCalledTimes(2);
  });

  it('a relaxed commit survives the app being killed (it is in the WAL, not only in memory)', () => {
    const { j, path } = journalAt();
    j.close();
    // A child commits one relaxed answer and dies with SIGKILL before any flush or checkpoint.
    const script = `
      import { Journal } from ${JSON.stringify(join(process.cwd(), 'electron/journal/journal.ts'))};
      const j = Journal.open({ path: ${JSON.stringify(path)}, terminalId: 'T01' });
      const a = j.createAttempt({ kind: 'scan', channel: 'weixin', method: 'weixin.scan_qr_code_pay', amountFen: 100, settleDueAtMs: 0 });
      j.durability.relaxed(() => j.transition(a.outTradeNo, 'paid', { source: 'scan', tradeNo: 'GW1' }));
      process.stdout.write(a.outTradeNo);
      process.kill(process.pid, 'SIGKILL');`;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '--eval', script], { encoding: 'utf8' });
    expect(r.signal).toBe('SIGKILL');
    const back = Journal.open({ path, terminalId: 'T01' });
    expect(back.attempt(r.stdout)!.state).toBe('paid');
    back.close();
  });
});
