// The layering of the design guide is enforced by lint: these fixtures break it on purpose, and
// eslint must refuse each wrong import (the fixtures are linted as if they sat in each room).
import { describe, expect, it } from 'vitest';
import { ESLint } from 'eslint';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../../../electron/host/run.js';

async function lintAs(room: 'renderer' | 'shared' | 'electron'): Promise<string[]> {
  const eslint = new ESLint({ cwd: REPO_ROOT });
  const source = readFileSync(join(REPO_ROOT, 'test/fixtures/lint', room, 'bad.ts'), 'utf8').replaceAll('../../../../', '../');
  const [result] = await eslint.lintText(source, { filePath: join(REPO_ROOT, room, 'lint-fixture.ts') });
  return result!.messages.map((m) => `${m.ruleId}: ${m.message}`);
}

describe('layering', () => {
  it('refuses electron/ and node:* imports and window.pos in the renderer', async () => {
    const msgs = await lintAs('renderer');
    expect(msgs.some((m) => m.includes('The renderer may not import electron/'))).toBe(true);
    expect(msgs.some((m) => m.includes('No Node modules in the renderer'))).toBe(true);
    expect(msgs.some((m) => m.includes('Only renderer/api.ts touches window.pos'))).toBe(true);
  });
  it('refuses node:*, electron/ and DOM globals in shared/', async () => {
    const msgs = await lintAs('shared');
    expect(msgs.some((m) => m.includes('shared/ imports no Node modules'))).toBe(true);
    expect(msgs.some((m) => m.includes('shared/ imports neither electron/ nor renderer/'))).toBe(true);
    expect(msgs.some((m) => m.startsWith('no-restricted-globals'))).toBe(true);
  });
  it('refuses renderer/ imports in electron/', async () => {
    const msgs = await lintAs('electron');
    expect(msgs.some((m) => m.includes('electron/ may not import renderer/'))).toBe(true);
  });
});
