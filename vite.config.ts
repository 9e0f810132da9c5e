// One config: `vite build` builds the renderer into dist/renderer (served by the browser host and
// loaded by Electron from disk); `vite build --mode electron` also builds the main process and the
// preload into dist-electron through vite-plugin-electron.
import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';
import electron from 'vite-plugin-electron/simple';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('.', import.meta.url));
// Native modules and their loaders stay outside the bundle: they are unpacked from the asar.
const external = ['electron', 'electron-updater', 'better-sqlite3', 'serialport', '@serialport/bindings-cpp', 'bufferutil', 'utf-8-validate'];

export default defineConfig(({ mode }) => ({
  root: `${root}renderer`,
  base: './',
  plugins: [
    vue(),
    mode === 'electron' &&
      electron({
        main: {
          entry: `${root}electron/main.ts`,
          vite: { build: { outDir: `${root}dist-electron`, emptyOutDir: false, rollupOptions: { external } } },
        },
        preload: {
          input: `${root}electron/preload.ts`,
          vite: { build: { outDir: `${root}dist-electron`, emptyOutDir: false, rollupOptions: { external: ['electron'], output: { format: 'cjs', entryFileNames: 'preload.cjs' } } } },
        },
      }),
  ],
  build: {
    outDir: `${root}dist/renderer`,
    emptyOutDir: true,
    target: 'chrome130',
    rollupOptions: { input: { index: `${root}renderer/index.html` } },
  },
  server: { host: '127.0.0.1' },
}));
