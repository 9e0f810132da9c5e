// The head office's page and its JSON, served from a real PostgreSQL; and the admin CLI.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { headOffice, trade, waitSynced, type HeadOfficeFixture } from './fixture.js';
import { Pusher } from '../../../electron/headoffice/pusher.js';
import { startPageServer, type PageServer } from '../../../electron/headoffice/server.js';
import { formatYuan } from '../../../shared/money.js';
import type { HeadOfficeDayReport } from '../../../electron/headoffice/report.js';

const run = promisify(execFile);
const cli = fileURLToPath(new URL('../../../electron/headoffice/cli.ts', import.meta.url));
let ho: HeadOfficeFixture;
let page: PageServer;
let date: string;
beforeAll(async () => {
  ho = await headOffice();
  for (const [till, shop] of [['P1', 'SP'], ['P2', 'SP']] as const) {
    const t = await ho.enroll(till, shop);
    const j = ho.journal(till, till);
    trade(j, 60, till === 'P1' ? 1 : 2);
    date = j.db.prepare('SELECT business_date FROM sales LIMIT 1').pluck().get() as string;
    const p = new Pusher({ journal: j, config: t.config, pull: false });
    p.start();
    await waitSynced(() => p.status());
    await p.stop();
  }
  page = await startPageServer({ adminUrl: ho.cluster.adminUrl });
}, 120_000);
afterAll(async () => {
  await page?.close();
  await ho?.close();
});

describe('head office page and CLI', () => {
  it('serves the day report as a page and as JSON, and refuses a bad date by name', async () => {
    const json = (await (await fetch(`${page.url}report.json?date=${date}`)).json()) as HeadOfficeDayReport;
    expect(json.tills.map((t) => t.tillId)).toEqual(['P1', 'P2']);
    expect(json.netFen).toBe(json.tills.reduce((s, t) => s + t.netFen, 0));
    const res = await fetch(`${page.url}?date=${date}`);
    expect(res.headers.get('content-security-policy') ?? (await res.clone().text())).toMatch(/default-src 'none'/);
    const html = await res.text();
    expect(html).toContain(`净收 ¥${formatYuan(json.netFen)}`);
    expect(html).toContain('P2');
    expect(html).toContain('完整 intact');
    const bad = await fetch(`${page.url}?date=yesterday`);
    expect(bad.status).toBe(400);
    expect(await bad.text()).toMatch(/date "yesterday": must be yyyy-MM-dd/);
  });

  it('enrols, reports and checks audit chains from the command line, with clear errors', async () => {
    const env = { ...process.env, HEADOFFICE_ADMIN_URL: ho.cluster.adminUrl };
    const tsx = ['--import', 'tsx', cli];
    const e = await run(process.execPath, [...tsx, 'enroll', '--till', 'P3', '--shop', 'SP'], { env });
    expect(e.stdout).toMatch(/credential \(shown once.*\): [A-Za-z0-9_-]{32}/);
    await expect(run(process.execPath, [...tsx, 'enroll', '--till', 'P3', '--shop', 'SP'], { env })).rejects.toMatchObject({ stderr: expect.stringMatching(/till "P3" is already enrolled/) });
    await expect(run(process.execPath, [...tsx, 'enroll', '--shop', 'SP'], { env })).rejects.toMatchObject({ stderr: expect.stringMatching(/--till is required/) });
    const r = await run(process.execPath, [...tsx, 'report', '--date', date], { env });
    expect(r.stdout).toMatch(/SP\/P1/);
    const json = JSON.parse((await run(process.execPath, [...tsx, 'report', '--date', date, '--json'], { env })).stdout) as HeadOfficeDayReport;
    expect(r.stdout).toContain(formatYuan(json.netFen));
    const v = await run(process.execPath, [...tsx, 'verify-audit'], { env });
    expect(v.stdout).toMatch(/P1: intact, \d+ entries/);
  }, 120_000);
});
