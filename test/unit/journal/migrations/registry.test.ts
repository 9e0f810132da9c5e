// Every migration file is listed in migrations/index.ts, its number and name match its file
// name, and numbers keep to the rooms' ranges (001–049 journal, 050–099 shift/printer).
import { describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { MIGRATIONS } from '../../../../electron/journal/migrations/index.js';
import type { Migration } from '../../../../electron/journal/migrate.js';

const dir = fileURLToPath(new URL('../../../../electron/journal/migrations/', import.meta.url));

describe('migration registry', () => {
  it('lists every NNN_name.ts file once, with the number and name of its file', async () => {
    const files = readdirSync(dir).filter((f) => /^\d{3}_.+\.ts$/.test(f)).sort();
    expect(files.length).toBeGreaterThan(0);
    expect(MIGRATIONS.length).toBe(files.length);
    for (const f of files) {
      const m = /^(\d{3})_(.+)\.ts$/.exec(f)!;
      const mod = (await import(pathToFileURL(join(dir, f)).href)) as { migration: Migration };
      expect(mod.migration.version, f).toBe(Number(m[1]));
      expect(mod.migration.name, f).toBe(m[2]);
      expect(MIGRATIONS, `${f} is not listed in migrations/index.ts`).toContain(mod.migration);
    }
  });

  it('keeps numbers below 100 and ascending', () => {
    const versions = MIGRATIONS.map((m) => m.version);
    expect([...versions].sort((a, b) => a - b)).toEqual(versions);
    for (const v of versions) expect(v).toBeLessThan(100);
  });
});
