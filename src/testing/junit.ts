/** JUnit XML for CI systems: one <testsuite> per test file, one <testcase> per test. */
import type { FileResult } from './runner.js';

const escape = (text: string) =>
  text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    // Characters XML 1.0 cannot carry.
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g, '');

const seconds = (ms: number) => (ms / 1000).toFixed(3);

export function junitReport(files: readonly FileResult[], relative: (path: string) => string): string {
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
  const all = files.flatMap((f) => f.tests);
  const failures = all.filter((t) => !t.passed).length;
  const errors = files.filter((f) => f.error !== undefined).length;
  const time = all.reduce((s, t) => s + t.durationMs, 0);
  out.push(
    `<testsuites name="stepwise test" tests="${all.length + errors}" failures="${failures}" errors="${errors}" time="${seconds(time)}">`,
  );
  for (const file of files) {
    const name = escape(relative(file.file));
    const fileTime = file.tests.reduce((s, t) => s + t.durationMs, 0);
    const failed = file.tests.filter((t) => !t.passed).length;
    const tests = file.tests.length + (file.error !== undefined ? 1 : 0);
    out.push(
      `  <testsuite name="${name}" tests="${tests}" failures="${failed}" errors="${file.error !== undefined ? 1 : 0}" time="${seconds(fileTime)}">`,
    );
    if (file.error !== undefined) {
      out.push(`    <testcase name="(test file)" classname="${name}" time="0">`);
      out.push(`      <error message="${escape(file.error)}" type="TestFileError">${escape(file.error)}</error>`);
      out.push('    </testcase>');
    }
    for (const test of file.tests) {
      const open = `    <testcase name="${escape(test.name)}" classname="${name}" file="${name}" line="${test.line}" time="${seconds(test.durationMs)}"`;
      if (test.passed) {
        out.push(`${open}/>`);
        continue;
      }
      out.push(`${open}>`);
      const body = test.failures.map((f) => [f.message, ...f.details.map((d) => `  ${d}`)].join('\n')).join('\n');
      out.push(
        `      <failure message="${escape(test.failures[0]?.message ?? 'failed')}" type="AssertionError">${escape(body)}</failure>`,
      );
      out.push('    </testcase>');
    }
    if (file.warnings.length > 0) out.push(`    <system-err>${escape(file.warnings.join('\n'))}</system-err>`);
    out.push('  </testsuite>');
  }
  out.push('</testsuites>');
  return `${out.join('\n')}\n`;
}
