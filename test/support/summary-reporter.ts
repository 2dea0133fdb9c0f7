/**
 * Prints the plain `N passed, N failed[, N skipped]` line that CI reads,
 * after vitest's own output.
 */
import type { Reporter, TestModule } from 'vitest/node';

export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<unknown>, reason: string): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    for (const mod of testModules) {
      let failedHere = 0;
      for (const test of mod.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') passed++;
        else if (state === 'failed') failedHere++;
        else skipped++;
      }
      // A module that failed without a failing test (load error, failed beforeAll) still failed.
      failed += mod.state() === 'failed' ? Math.max(failedHere, 1) : failedHere;
    }
    failed += unhandledErrors.length;
    // A run that failed outside any module (global setup) must not read as green.
    if (reason === 'failed' && failed === 0) failed = 1;
    process.stdout.write(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`);
  }
}
