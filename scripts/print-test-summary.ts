// Prints vitest's JSON report as one plain closing line: "tests: N passed, N failed, N skipped",
// after the name of each skipped test, so a skip is never silent (a test that skips says why
// in its name or its skip note, e.g. the Docker path where no Docker engine answers).
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';

type Report = {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
  testResults: { name: string; assertionResults: { status: string; fullName: string }[] }[];
};

const file = process.argv[2];
if (!file) {
  console.error('usage: print-test-summary.ts <vitest-json-report>');
  process.exit(2);
}
const report = JSON.parse(readFileSync(file, 'utf8')) as Report;
for (const result of report.testResults) {
  for (const test of result.assertionResults) {
    if (test.status === 'skipped' || test.status === 'pending' || test.status === 'todo') {
      console.log(`skipped: ${relative(process.cwd(), result.name)} > ${test.fullName}`);
    }
  }
}
const skipped = report.numPendingTests + report.numTodoTests;
console.log(
  `tests: ${report.numPassedTests} passed, ${report.numFailedTests} failed, ${skipped} skipped`,
);
