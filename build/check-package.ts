// npm run check:package — an honest check of the installer config without Electron's binary.
// It builds the app (vite build --mode electron), lets electron-builder assemble the unpacked
// Linux app directory exactly as it does before making the AppImage/deb (`--linux dir`), with a
// stand-in for the Electron binary (electronDist: a stub executable: the binary is the one thing
// that cannot be fetched here), then reads the packed app.asar with @electron/asar and checks:
// the app's files, every module main.js loads at run time with all its production dependencies,
// the native parts unpacked (better-sqlite3's .node, serialport's prebuilds), the Electron-ABI
// better-sqlite3 beside the asar, app-update.yml, and nothing that must not ship. The NSIS and
// Linux targets are checked in the config. Installers themselves: `npm run dist` on a machine
// with network (see README).
import { chmodSync, copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { listPackage } from '@electron/asar';

const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);
/** electron-builder --dir on a 2-core machine: about 15 s; a hang is cut off here. */
export const BUILDER_TIMEOUT_MS = 5 * 60_000;
/** Modules main.js leaves to node_modules (vite.config.ts `external`, minus electron itself). */
export const RUNTIME_MODULES = ['better-sqlite3', 'serialport', '@serialport/bindings-cpp', 'electron-updater'];

export interface CheckLine {
  ok: boolean;
  what: string;
}

function run(cmd: string, args: string[], timeout = BUILDER_TIMEOUT_MS): { ok: boolean; out: string } {
  const r = spawnSync(cmd, args, { cwd: root, encoding: 'utf8', timeout, shell: process.platform === 'win32' });
  return { ok: r.status === 0, out: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}

/** A module's production dependencies, recursively, as node would resolve them from the app root. */
export function productionClosure(names: readonly string[]): Map<string, string> {
  const seen = new Map<string, string>();
  const visit = (name: string, fromDir: string) => {
    let pkgJson: string;
    try {
      pkgJson = createRequire(join(fromDir, 'noop.js')).resolve(`${name}/package.json`);
    } catch {
      // Packages without an exported package.json: find the folder up the tree.
      let dir = fromDir;
      for (;;) {
        const candidate = join(dir, 'node_modules', name, 'package.json');
        if (existsSync(candidate)) {
          pkgJson = candidate;
          break;
        }
        const up = dirname(dir);
        if (up === dir) throw new Error(`${name} cannot be found from ${fromDir}`);
        dir = up;
      }
    }
    // Relative to the app root, from its first node_modules/ (the tree may sit behind a symlink).
    const norm = pkgJson.replace(/\\/g, '/');
    const rel = norm.slice(norm.indexOf('/node_modules/') + 1).replace(/\/package\.json$/, '');
    if (seen.has(rel)) return;
    seen.set(rel, name);
    const pkg = JSON.parse(readFileSync(pkgJson, 'utf8')) as { dependencies?: Record<string, string>; optionalDependencies?: Record<string, string> };
    for (const dep of Object.keys(pkg.dependencies ?? {})) visit(dep, dirname(pkgJson));
  };
  for (const n of names) visit(n, root);
  return seen;
}

export function checkConfig(yml: string): CheckLine[] {
  const has = (re: RegExp, what: string): CheckLine => ({ ok: re.test(yml), what });
  return [
    has(/^win:\s*\n\s+target:\s*\[\s*nsis\s*\]/m, 'config: Windows target NSIS'),
    has(/^nsis:[\s\S]*?perMachine:\s*true/m, 'config: NSIS per-machine'),
    has(/^nsis:[\s\S]*?createDesktopShortcut:\s*true/m, 'config: NSIS desktop shortcut'),
    has(/^linux:\s*\n\s+target:\s*\[\s*AppImage,\s*deb\s*\]/m, 'config: Linux targets AppImage and deb'),
    has(/^asarUnpack:[\s\S]*?node_modules\/better-sqlite3\/\*\*/m, 'config: better-sqlite3 unpacked from the asar'),
    has(/^asarUnpack:[\s\S]*?node_modules\/@serialport\/\*\*/m, 'config: serialport unpacked from the asar'),
    has(/from: native\/electron\/better_sqlite3\.node/, 'config: the Electron-ABI better-sqlite3 shipped beside the asar'),
    has(/^publish:[\s\S]*?provider:\s*generic/m, 'config: electron-updater generic provider (app-update.yml)'),
  ];
}

export function checkPackage(opts: { keep?: boolean } = {}): CheckLine[] {
  const lines: CheckLine[] = [];
  const yml = readFileSync(join(root, 'build', 'electron-builder.yml'), 'utf8');
  lines.push(...checkConfig(yml));
  const built = run('npx', ['vite', 'build', '--mode', 'electron', '--logLevel', 'error']);
  lines.push({ ok: built.ok, what: `vite build --mode electron${built.ok ? '' : `: ${built.out.slice(0, 300)}`}` });
  if (!built.ok) return lines;

  const work = mkdtempSync(join(tmpdir(), 'pos-package-'));
  try {
    // The stand-in Electron: electron-builder copies it and renames the executable.
    const fakeDist = join(work, 'electron-dist');
    mkdirSync(fakeDist);
    writeFileSync(join(fakeDist, 'electron'), '#!/bin/sh\necho "stand-in for the Electron binary (build/check-package.ts)"\n');
    chmodSync(join(fakeDist, 'electron'), 0o755);
    writeFileSync(join(fakeDist, 'LICENSE'), '');
    const electronVersion = (JSON.parse(readFileSync(join(root, 'node_modules', 'electron', 'package.json'), 'utf8')) as { version: string }).version;
    // The Electron-ABI build needs Electron's headers (network): where it is missing, Node's build
    // stands in so the layout can be checked, and the line says so.
    const native = join(root, 'native', 'electron', 'better_sqlite3.node');
    let standIn = false;
    if (!existsSync(native)) {
      mkdirSync(dirname(native), { recursive: true });
      copyFileSync(join(dirname(require.resolve('better-sqlite3/package.json')), 'build', 'Release', 'better_sqlite3.node'), native);
      standIn = true;
    }
    // electron-builder collects node_modules through npm's view of the tree; a worktree whose
    // node_modules is a symlink makes npm see every package as a link without dependencies. The
    // project is therefore staged: the app's files plus real copies of the runtime packages.
    const project = join(work, 'project');
    mkdirSync(project);
    for (const f of ['package.json', 'dist', 'dist-electron', 'native', 'build']) cpSync(join(root, f), join(project, f), { recursive: true, dereference: true });
    const closure = productionClosure(RUNTIME_MODULES);
    for (const rel of closure.keys()) cpSync(join(root, rel), join(project, rel), { recursive: true, dereference: true, filter: (src) => !/[\\/]node_modules[\\/][^\\/]+$/.test(src.slice(join(root, rel).length)) });
    const out = join(work, 'release');
    const b = run('npx', ['electron-builder', '--projectDir', project, '--config', join(project, 'build', 'electron-builder.yml'), '--linux', 'dir', `-c.electronDist=${fakeDist}`, `-c.electronVersion=${electronVersion}`, `-c.directories.output=${out}`]);
    if (standIn) rmSync(native, { force: true });
    lines.push({ ok: b.ok, what: `electron-builder --linux dir (stand-in Electron binary)${b.ok ? '' : `: ${b.out.slice(-500)}`}` });
    if (!b.ok) return lines;
    const resources = join(out, 'linux-unpacked', 'resources');
    const asar = join(resources, 'app.asar');
    const listing = new Set(listPackage(asar, { isPack: false }).map((p) => p.replace(/\\/g, '/')));
    const unpacked = join(resources, 'app.asar.unpacked');
    const inAsar = (p: string) => listing.has(`/${p}`);
    for (const f of ['package.json', 'dist-electron/main.js', 'dist-electron/preload.cjs', 'dist/renderer/index.html']) lines.push({ ok: inAsar(f), what: `asar: ${f}` });
    lines.push({ ok: [...listing].some((p) => /^\/dist\/renderer\/assets\/.+\.js$/.test(p)), what: 'asar: the renderer bundle (dist/renderer/assets/*.js)' });
    // electron-builder lays the tree out again (it hoists nested copies where it can), so a
    // package counts as shipped when a copy of it (by name) is in the asar.
    const shippedNames = new Set([...listing].map((p) => /^(?:.*\/)?node_modules\/((?:@[^/]+\/)?[^/]+)\/package\.json$/.exec(p)?.[1]).filter((n): n is string => Boolean(n)));
    const missing = [...new Set(closure.values())].filter((name) => !shippedNames.has(name));
    lines.push({ ok: missing.length === 0, what: `asar: the ${new Set(closure.values()).size} packages main.js loads at run time (${RUNTIME_MODULES.join(', ')} and their production dependencies)${missing.length ? `; missing: ${missing.join(', ')}` : ''}` });
    lines.push({ ok: existsSync(join(unpacked, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node')), what: 'unpacked: better-sqlite3 native module' });
    for (const plat of ['linux-x64', 'win32-x64']) {
      const dir = join(unpacked, 'node_modules', '@serialport', 'bindings-cpp', 'prebuilds', plat);
      lines.push({ ok: existsSync(dir) && readdirSync(dir).some((n) => n.endsWith('.node')), what: `unpacked: serialport prebuild ${plat}` });
    }
    lines.push({ ok: existsSync(join(resources, 'native', 'better_sqlite3.node')), what: `resources: native/better_sqlite3.node (Electron ABI${standIn ? ': Node build stood in, run npm run native:electron with network' : ''})` });
    lines.push({ ok: existsSync(join(resources, 'app-update.yml')) && /provider: generic/.test(readFileSync(join(resources, 'app-update.yml'), 'utf8')), what: 'resources: app-update.yml (generic provider)' });
    const forbidden = [...listing].filter((p) => /\.map$|^\/(test|electron|renderer|shared|build|native)\/|\.pem$|journal\.sqlite|gateway-secret/.test(p));
    lines.push({ ok: forbidden.length === 0, what: `asar: no sources, tests, maps, keys or data${forbidden.length ? `; found ${forbidden.slice(0, 5).join(', ')}` : ''}` });
    return lines;
  } finally {
    if (!opts.keep) rmSync(work, { recursive: true, force: true });
    else console.log(`kept: ${work}`);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const lines = checkPackage();
  for (const l of lines) console.log(`${l.ok ? 'ok  ' : 'FAIL'} ${l.what}`);
  const failed = lines.filter((l) => !l.ok).length;
  console.log(failed ? `check:package: ${failed} problem(s)` : `check:package: ${lines.length} checks passed`);
  process.exit(failed ? 1 : 0);
}
