// Lint: the rules that catch what tests miss. Floating promises lose errors (and, in workflow
// code, break determinism); workflow files may not reach Node, I/O or app modules.
const js = require('@eslint/js');
const tseslint = require('typescript-eslint');

module.exports = tseslint.config(
  { ignores: ['dist/', 'node_modules/', '.data/', '.tools/', 'test-artifacts/', 'eslint.config.js', 'jest.config.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: __dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      'no-restricted-syntax': ['error', { selector: "MemberExpression[object.name='process'][property.name='env']", message: 'Read configuration through src/config.ts.' }],
    },
  },
  // The console's one browser script: plain JavaScript served as is, outside the TypeScript project.
  {
    files: ['src/views/**/*.js'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: { parserOptions: { projectService: false }, globals: { document: 'readonly', navigator: 'readonly', getSelection: 'readonly', setTimeout: 'readonly' } },
  },
  {
    // The one place that reads the environment, plus dev tooling that needs PATH.
    files: ['src/config.ts', 'src/dev/**', 'test/**'],
    rules: { 'no-restricted-syntax': 'off' },
  },
  {
    files: ['workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['node:*', 'fs', 'path', 'crypto', 'http', 'child_process'], message: 'Workflow code runs in a deterministic sandbox: no Node APIs.' },
          { group: ['pg', 'express', 'zod', 'nodemailer', '@temporalio/client', '@temporalio/worker', '@temporalio/activity'], message: 'Workflow code cannot do I/O: call an activity.' },
          { group: ['../src/*', '../src/**', '../activities', '../activities/*'], message: 'Workflow code imports activities by type only.', allowTypeImports: true },
        ],
      }],
    },
  },
);
