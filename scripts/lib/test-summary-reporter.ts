import type { Reporter, TestModule } from 'vitest/node';

/**
 * Ends `npm test` with one line that says whether everything passed, with the
 * counts, and whether the PostgreSQL suites ran (they need TEST_DATABASE_URL).
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(
    testModules: ReadonlyArray<TestModule>,
    unhandledErrors: ReadonlyArray<unknown>,
    reason: 'passed' | 'interrupted' | 'failed',
  ): void {
    const counts = { passed: 0, failed: 0, skipped: 0 };
    for (const module of testModules) {
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed' || state === 'failed') counts[state]++;
        else counts.skipped++;
      }
    }
    const postgres = process.env.TEST_DATABASE_URL
      ? 'PostgreSQL suites ran'
      : 'PostgreSQL suites skipped: TEST_DATABASE_URL is not set';
    const ok = reason === 'passed' && counts.failed === 0 && unhandledErrors.length === 0;
    const verdict = ok ? 'npm test: PASSED' : `npm test: FAILED (${reason})`;
    console.log(
      `\n${verdict}: ${counts.passed} passed, ${counts.failed} failed, ` +
        `${counts.skipped} skipped in ${testModules.length} files; ${postgres}.`,
    );
  }
}
