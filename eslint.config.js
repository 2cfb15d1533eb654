// ESLint: JavaScript's recommended rules, typescript-eslint with type information for every
// TypeScript file and Astro component, and the Astro plugin. `npm run lint` allows no warnings.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import astro from 'eslint-plugin-astro';

export default tseslint.config(
  {
    ignores: [
      'dist/',
      'sealed/',
      '.data/',
      '.astro/',
      '**/.netlify/',
      'node_modules/',
      'content/',
      'bench/results/',
      // A separate Astro project, whose types exist only where bench/build.bench.ts builds it.
      'bench/reference-site/',
      'e2e/artifacts/',
      'test/.tmp/',
    ],
  },
  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  astro.configs['flat/recommended'],
  {
    languageOptions: {
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      // A type assertion is a claim the compiler cannot check: allow `as` only where it
      // narrows to a type the value already has (`as const`, literal unions), never on
      // object literals, and never through `unknown` to silence a mismatch.
      '@typescript-eslint/consistent-type-assertions': [
        'error',
        { assertionStyle: 'as', objectLiteralTypeAssertions: 'never' },
      ],
      '@typescript-eslint/no-unsafe-type-assertion': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
    },
  },
  {
    // astro-eslint-parser reads a tsconfig rather than the project service.
    files: ['**/*.astro'],
    languageOptions: {
      parserOptions: {
        projectService: false,
        project: './tsconfig.json',
        extraFileExtensions: ['.astro'],
      },
    },
  },
  {
    // Scripts inside Astro components are linted as virtual files outside the TypeScript
    // project, so rules that need type information cannot run on them.
    files: ['**/*.astro/*.js', '**/*.astro/*.ts'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    // Plain JavaScript: the Astro config (Node) and the one hand-written browser script.
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    files: ['astro.config.mjs', 'eslint.config.js'],
    languageOptions: { globals: { process: 'readonly', URL: 'readonly' } },
  },
  {
    // Runs under plain Node (the deploy's), not tsx: Node's globals.
    files: ['scripts/lib/bundle-runner.mjs'],
    languageOptions: {
      globals: {
        process: 'readonly',
        Buffer: 'readonly',
        URL: 'readonly',
        Request: 'readonly',
        Response: 'readonly',
      },
    },
  },
  {
    // Tests, browser tests and benches build fakes (a `Context`, a request init) whose
    // assertions are checked by the test itself; product code may not assert types.
    files: ['test/**', 'e2e/**', 'bench/**'],
    rules: {
      '@typescript-eslint/no-unsafe-type-assertion': 'off',
      '@typescript-eslint/consistent-type-assertions': ['error', { assertionStyle: 'as' }],
    },
  },
  {
    // These model Netlify's handler shape, `async (req, context) => Response`, on purpose
    // (one checks that a rejected promise becomes a 500).
    files: ['test/fixtures/functions/*.ts'],
    rules: { '@typescript-eslint/require-await': 'off' },
  },
  {
    files: ['public/scripts/*.js'],
    languageOptions: {
      sourceType: 'script',
      globals: { window: 'readonly', document: 'readonly', URLSearchParams: 'readonly' },
    },
  },
);
