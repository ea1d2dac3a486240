// Lint: typescript-eslint's recommended rules, with type information for the
// promise rules (a forgotten await in the grader is a silent wrong verdict).
// Formatting is Prettier's (npm run format), not the linter's.
const tseslint = require('typescript-eslint');

module.exports = tseslint.config(
  { ignores: ['dist/**', 'dist-grader/**', 'node_modules/**', '.mr-build/**', '**/*.js', 'test/fixtures/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: __dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      // A map or reduce, a handler or the skeleton's TODO take the parameters their signature gives them.
      '@typescript-eslint/no-unused-vars': ['error', { args: 'none', caughtErrors: 'none' }],
      // `import fs = require('fs')` is an import: the module object itself.
      '@typescript-eslint/no-require-imports': ['error', { allowAsImport: true }],
    },
  },
  {
    // The transport hands the student's handlers gRPC's decoded messages, whose types rpc.ts declares.
    files: ['src/mr/transport.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // The kit's tests poke at JSON reports and load CommonJS-only helpers as they come.
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-require-imports': 'off',
    },
  },
);
