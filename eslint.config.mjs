// Lint guards the architecture as well as the code: no `any`, a complexity limit, `vscode` only at
// the extension's edge, and a protocol folder that imports nothing but zod and itself.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const VSCODE_EDGE = ['extension/src/extension.ts', 'extension/src/vscode/**', 'extension/src/views/**', 'test/e2e/**'];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.mlwb/**', 'test/e2e/artifacts/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    files: ['**/*.ts', '**/*.tsx'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
      complexity: ['error', 15],
      'max-depth': ['error', 4],
      'no-restricted-imports': ['error', { paths: [{ name: 'vscode', message: 'vscode belongs at the edge: extension/src/vscode, extension/src/views, extension.ts' }] }],
    },
  },
  {
    files: VSCODE_EDGE,
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    files: ['backend/src/protocol/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ regex: '^(?!zod$|\\./)', message: 'the protocol imports only zod and its own files' }] }],
    },
  },
  {
    files: ['test/**'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
  {
    files: ['**/*.mjs', '**/*.js'],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    // mocha suites loaded as CommonJS inside code-server's extension host
    files: ['test/e2e/ext-host/**/*.js'],
    languageOptions: { sourceType: 'commonjs', globals: { ...globals.node, ...globals.mocha } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
