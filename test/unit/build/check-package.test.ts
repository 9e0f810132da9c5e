// The parts of `npm run check:package` that run without electron-builder: the config checks
// (each must fail when its item is taken out) and the runtime package closure it compares the
// asar listing with. The whole check (electron-builder --linux dir + asar listing) is the script.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkConfig, productionClosure, RUNTIME_MODULES } from '../../../build/check-package.js';
import { REPO_ROOT } from '../../../electron/host/run.js';

const yml = readFileSync(join(REPO_ROOT, 'build', 'electron-builder.yml'), 'utf8');

describe('installer config check', () => {
  it('passes on the project config', () => {
    expect(checkConfig(yml).filter((l) => !l.ok)).toEqual([]);
  });

  it('fails the item that is taken out', () => {
    const cases: [string, string, string][] = [
      ['perMachine: true', 'perMachine: false', 'config: NSIS per-machine'],
      ['createDesktopShortcut: true', 'createDesktopShortcut: false', 'config: NSIS desktop shortcut'],
      ['target: [AppImage, deb]', 'target: [AppImage]', 'config: Linux targets AppImage and deb'],
      ['  - node_modules/better-sqlite3/**\n', '', 'config: better-sqlite3 unpacked from the asar'],
      ['provider: generic', 'provider: github', 'config: electron-updater generic provider (app-update.yml)'],
    ];
    for (const [from, to, what] of cases) {
      expect(yml).toContain(from);
      const failed = checkConfig(yml.replace(from, to)).filter((l) => !l.ok).map((l) => l.what);
      expect(failed).toEqual([what]);
    }
  });

  it('the runtime closure holds the native loaders and electron-updater’s dependencies', () => {
    const names = new Set(productionClosure(RUNTIME_MODULES).values());
    for (const n of ['better-sqlite3', 'bindings', 'file-uri-to-path', '@serialport/bindings-cpp', 'node-gyp-build', 'electron-updater', 'builder-util-runtime', 'js-yaml', 'fs-extra']) expect(names.has(n), n).toBe(true);
    expect(names.has('vitest')).toBe(false);
  });
});
