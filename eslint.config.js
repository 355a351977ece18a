// typescript-eslint's type-checked rules over the whole tree. A rule turned off here fights a pattern the codebase
// uses on purpose; each says why.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

const nodeGlobals = Object.fromEntries(
  [
    'process',
    'console',
    'URL',
    'Buffer',
    'setTimeout',
    'clearTimeout',
    'performance',
    'structuredClone',
    'module',
    'require',
  ].map((name) => [name, 'readonly']),
);

export default defineConfig(
  {
    ignores: [
      '**/dist/**',
      '**/node_modules/**',
      'coverage/**',
      'data/**',
      'bench/results/**',
      '**/*.d.mts',
      '**/*.d.ts',
    ],
  },
  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    files: ['**/*.ts', '**/*.tsx', '**/*.mts'],
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['web/vite.config.ts'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      // Stores implement async ports over synchronous libraries (better-sqlite3): `async` turns a throw into a rejection.
      '@typescript-eslint/require-await': 'off',
      // Comma sequences in one-line branches (`(a.add(x), b.delete(x))`) are the house style for paired updates.
      '@typescript-eslint/no-unused-expressions': 'off',
      // A callback may read a variable assigned once, after the callback is set up (`let stalled` then `stalled = ...`).
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
      // Preact ignores what an event handler returns: `onSubmit={async (e) => ...}` is the idiom.
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { attributes: false } }],
      // A leading underscore names what is dropped on purpose, as in `{ secret: _secret, ...rest }`.
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
          ignoreRestSiblings: true,
        },
      ],
    },
  },
  {
    // Express's instance, Swagger's document and class-validator's rejected value are `any` in their own typings.
    files: ['src/app.ts', 'src/openapi.ts', 'src/web/web-app.ts', 'src/http/validate-body.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  {
    // Tests and benchmarks read HTTP and JSON bodies, typed `any`, and assert on their shape field by field.
    files: ['test/**', 'bench/**', 'clients/typescript/test/**'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
      // `expect(store.method)` and `jest.spyOn` pass methods unbound on purpose.
      '@typescript-eslint/unbound-method': 'off',
    },
  },
  {
    // Plain JavaScript (bin, scripts, configs) has no type information to check against.
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: nodeGlobals },
  },
);
