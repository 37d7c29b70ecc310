/**
 * A vitest reporter for the end of the test command's output: what failed, in a few lines each,
 * including what the JSON report leaves out (a hook that failed and skipped its tests, an error
 * outside any test, a test file that could not load). Written to the file `FAILURE_SUMMARY`
 * names, nothing when all passed; scripts/test.sh prints it beside the closing counts, so the
 * last lines of a long run say what went wrong.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import type { Reporter, TestModule, TestSuite } from 'vitest/node';

type SerializedError = { message?: string; name?: string; stack?: string };

/** The first lines of an error, where it was thrown included, without colour codes. */
function describeError(error: SerializedError): string {
  const text = stripVTControlCharacters(`${error.name ?? 'Error'}: ${error.message ?? ''}`);
  const lines = text.split('\n').filter((line) => line.trim() !== '');
  const head = lines.slice(0, 6).map((line) => line.slice(0, 300));
  if (lines.length > 6) head.push(`  … ${lines.length - 6} more lines`);
  const at = error.stack
    ?.split('\n')
    .find((line) => line.includes('/tests/') || line.includes('/src/'))
    ?.trim();
  return [...head, ...(at ? [`  ${at}`] : [])].map((line) => `    ${line}`).join('\n');
}

export default class FailureSummary implements Reporter {
  onTestRunEnd(
    modules: ReadonlyArray<TestModule>,
    unhandledErrors: ReadonlyArray<SerializedError>,
  ): void {
    const file = process.env.FAILURE_SUMMARY;
    if (!file) return;
    const out: string[] = [];
    for (const module of modules) {
      const parts: string[] = [];
      for (const error of module.errors()) {
        const skipped = [...module.children.allTests('skipped')].length;
        parts.push(
          `  in a hook of the file or outside its tests (${skipped} skipped):\n${describeError(error)}`,
        );
      }
      const suites: TestSuite[] = [...module.children.allSuites()];
      for (const suite of suites) {
        for (const error of suite.errors()) {
          const skipped = [...suite.children.allTests('skipped')].length;
          parts.push(
            `  in "${suite.fullName}" (${skipped} test${skipped === 1 ? '' : 's'} skipped):\n${describeError(error)}`,
          );
        }
      }
      for (const test of module.children.allTests('failed')) {
        const [first] = test.result().errors ?? [];
        parts.push(`  ✗ ${test.fullName}${first ? `\n${describeError(first)}` : ''}`);
      }
      if (parts.length === 0 && module.state() === 'failed')
        parts.push('  failed (no error given)');
      if (parts.length > 0) out.push(`${module.relativeModuleId}\n${parts.join('\n')}`);
    }
    for (const error of unhandledErrors) out.push(`unhandled error:\n${describeError(error)}`);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, out.length > 0 ? `${out.join('\n')}\n` : '');
  }
}
