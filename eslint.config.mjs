import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * The layer rule of DESIGN.md section 1: core never imports electron, react, renderer/ or main/;
 * the renderer reaches core only through electron/api.ts types.
 */
const coreForbidden = {
  paths: [
    { name: 'electron', message: 'electron/core is plain Node: no Electron imports' },
    { name: 'react', message: 'electron/core has no UI' },
    { name: 'react-dom', message: 'electron/core has no UI' },
  ],
  patterns: [
    { group: ['**/renderer/**', '**/electron/main/**', '**/main/**', '**/preload/**', '**/cli/**', 'antd', 'antd/**'], message: 'core never imports the shells or the UI' },
  ],
};

const rendererForbidden = {
  paths: [{ name: 'electron', message: 'the renderer talks only through window.ledgerdesk (electron/api.ts)' }],
  patterns: [
    { group: ['**/electron/core/**', '**/core/**', '**/electron/main/**', '**/db/**', 'better-sqlite3*', 'node:*'], message: 'the renderer imports only electron/api.ts types and pure helpers' },
  ],
};

export default tseslint.config(
  { ignores: ['out/**', 'db/better-sqlite3-shim/**', 'dist/**', 'node_modules/**', 'db/migrations/**', 'test-artifacts/**', 'demo-output/**', '**/*.cjs', 'bench-results.json'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
      // Bill parsers must match control characters (NUL, MT940 separators) on purpose.
      'no-control-regex': 'off',
      'no-restricted-globals': ['error', { name: 'parseFloat', message: 'amounts are parsed with decimal.js into fen' }],
    },
  },
  {
    files: ['electron/core/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', coreForbidden] },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    rules: { 'no-restricted-imports': ['error', rendererForbidden] },
  },
  {
    files: ['**/*.mjs', '**/*.js'],
    languageOptions: { globals: { console: 'readonly', process: 'readonly', URL: 'readonly' } },
  },
);
