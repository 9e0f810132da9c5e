// Lint, and the layering the design guide fixes: renderer → shared, electron → shared,
// never renderer ↔ electron; shared imports no electron, no node:*, no DOM.
import tseslint from 'typescript-eslint';
import vue from 'eslint-plugin-vue';
import { builtinModules } from 'node:module';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'dist-electron/**', 'release/**', 'test/fixtures/lint/**', 'test-results/**', '.prof/**'] },
  ...tseslint.configs.recommended,
  ...vue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser } },
    rules: { 'vue/multi-word-component-names': 'off', 'vue/max-attributes-per-line': 'off', 'vue/singleline-html-element-content-newline': 'off', 'vue/html-self-closing': 'off' },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      eqeqeq: ['error', 'always'],
    },
  },
  {
    files: ['renderer/**/*.{ts,vue}'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'electron', message: 'The renderer reaches the main side only through renderer/api.ts.' }, ...nodeBuiltins.map((name) => ({ name, message: 'No Node modules in the renderer.' }))],
        patterns: [{ group: ['**/electron/**', '**/electron'], message: 'The renderer may not import electron/: use renderer/api.ts and shared/.' }],
      }],
    },
  },
  {
    files: ['renderer/**/*.{ts,vue}'],
    ignores: ['renderer/api.ts'],
    rules: {
      'no-restricted-properties': ['error', { object: 'window', property: 'pos', message: 'Only renderer/api.ts touches window.pos.' }],
    },
  },
  {
    files: ['electron/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/renderer/**', '**/renderer'], message: 'electron/ may not import renderer/: share code through shared/.' }] }],
    },
  },
  {
    files: ['shared/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'electron', message: 'shared/ is pure code for both processes.' }, ...nodeBuiltins.map((name) => ({ name, message: 'shared/ imports no Node modules.' }))],
        patterns: [{ group: ['**/electron/**', '**/renderer/**'], message: 'shared/ imports neither electron/ nor renderer/.' }],
      }],
      'no-restricted-globals': ['error', 'window', 'document', 'navigator', 'localStorage', 'process', 'Buffer'],
    },
  },
);
