import { defineConfig } from 'vitest/config';

// `npm run test:deploy`: the functions bundled and zipped as Netlify's build
// does, run from read-only folders under the deploy's Node against PostgreSQL
// (TEST_DATABASE_URL; without it the tests are skipped, saying so).
export default defineConfig({
  test: {
    include: ['test/deploy/**/*.test.ts'],
    globalSetup: ['test/deploy/support/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 300_000,
    fileParallelism: false,
    pool: 'forks',
  },
});
