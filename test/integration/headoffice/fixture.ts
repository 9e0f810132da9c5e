// A throwaway PostgreSQL cluster for the head-office tests: a temp folder, a free port, the
// head office schema, stopped and removed after. Needs Debian's postgresql package (.ci/run).
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startCluster, type Cluster } from '../../../electron/headoffice/cluster.js';
import { migrateHeadOffice } from '../../../electron/headoffice/schema.js';
import { enrollTill, type Enrolment } from '../../../electron/headoffice/enroll.js';
import type { HeadOfficeConfig } from '../../../electron/headoffice/link.js';
import { Journal } from '../../../electron/journal/journal.js';

export interface HeadOfficeFixture {
  cluster: Cluster;
  admin: pg.Client;
  dir: string;
  enroll(tillId: string, shopId?: string): Promise<Enrolment & { config: HeadOfficeConfig }>;
  journal(name: string, terminalId?: string): Journal;
  close(): Promise<void>;
}

export async function headOffice(): Promise<HeadOfficeFixture> {
  const dir = mkdtempSync(join(tmpdir(), 'pos-ho-'));
  // As root the server runs as the postgres user, which must be able to pass through this folder.
  chmodSync(dir, 0o711);
  const cluster = await startCluster({ dir: join(dir, 'pg') });
  const admin = new pg.Client({ connectionString: cluster.adminUrl });
  admin.on('error', () => undefined);
  await admin.connect();
  await migrateHeadOffice(admin);
  const journals: Journal[] = [];
  return {
    cluster,
    admin,
    dir,
    enroll: async (tillId, shopId = 'S1') => {
      const e = await enrollTill(admin, { tillId, shopId });
      return { ...e, config: { url: cluster.url, tillId, credential: e.credential, tls: 'off', caPath: '' } };
    },
    journal: (name, terminalId = 'T01') => {
      const j = Journal.open({ path: join(dir, `${name}.sqlite`), terminalId });
      journals.push(j);
      return j;
    },
    close: async () => {
      for (const j of journals) j.close();
      await admin.end().catch(() => undefined);
      await cluster.stop().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
