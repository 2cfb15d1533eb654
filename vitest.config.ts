import { defineConfig } from 'vitest/config';

// Two projects: `unit` (domain, handlers, adapter: no build needed) and `site`
// (tests over the built output, which build the site once when it is stale).
// Browser tests live in e2e/ (vitest.e2e.config.ts).
export default defineConfig({
  test: {
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 300_000,
    // The summary reporter ends the run with one PASSED/FAILED line.
    reporters: ['default', './scripts/lib/test-summary-reporter.ts'],
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          // test/deploy: `npm run test:deploy` (vitest.deploy.config.ts).
          exclude: ['test/site/**', 'test/adapter/site/**', 'test/deploy/**'],
        },
      },
      {
        extends: true,
        test: {
          name: 'site',
          // test/adapter/site: the local server over the real build.
          include: ['test/site/**/*.test.ts', 'test/adapter/site/**/*.test.ts'],
          globalSetup: ['test/support/global-setup.ts'],
        },
      },
    ],
  },
});
