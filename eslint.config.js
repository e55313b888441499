// One lint configuration for the whole workspace (ESLint finds it from any package).
//
// This is a course on asynchronous code, so the rules that need the types to
// see a promise are on: a promise nobody awaits or handles (no-floating-promises),
// a promise where a plain value is expected, as an async callback that an
// EventEmitter would not wait for (no-misused-promises), `await` on something
// that is not a promise (await-thenable), and `return` of a promise inside
// try/catch without `await`, which lets its rejection escape the catch
// (return-await). They read each package's tsconfig through the project service.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default defineConfig(
  { ignores: ['**/dist/**', '**/node_modules/**', '**/.turbo/**'] },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    languageOptions: {
      globals: globals.node,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/return-await': ['error', 'in-try-catch'],
      'no-console': 'off',
    },
  },
  {
    // Plain JavaScript (launchers, fixtures) is in no tsconfig: lint it without types.
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    extends: [tseslint.configs.disableTypeChecked],
  },
  {
    files: ['**/test/**'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
);
