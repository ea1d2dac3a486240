// JUnit XML: one <testsuite> per run, one <testcase> per test, with a
// <failure> (the diagnosis), an <error> (a harness error: the grader's, not
// the student's) or a <skipped> (why).

import type { Reporter } from '../core/events';
import { HARNESS_ERROR } from '../core/outcome';
import type { Summary, TestResult } from '../core/summary';
import { writeAtomic } from '../sandbox/files';
import { escapeMarkup } from '../../src/kit/escape';

export class JunitReporter implements Reporter {
  constructor(private readonly file: string) {}

  runEnd(summary: Summary): void {
    writeAtomic(this.file, junitXml(summary));
  }
}

export function junitXml(summary: Summary): string {
  const suite = `test-${summary.lab}`;
  const all = summary.runs.flatMap((r) => r.tests);
  const xml: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
  xml.push(
    `<testsuites name="${escapeMarkup(suite)}" tests="${all.length}" failures="${count(all, 'failed')}" ` +
      `errors="${count(all, 'error')}" time="${secs(summary.durationMs)}">`,
  );
  for (const run of summary.runs) {
    const name = summary.runs.length > 1 ? `${suite} run ${run.run}` : suite;
    xml.push(
      `  <testsuite name="${escapeMarkup(name)}" tests="${run.tests.length}" failures="${count(run.tests, 'failed')}" ` +
        `errors="${count(run.tests, 'error')}" skipped="${count(run.tests, 'skipped')}" time="${secs(run.durationMs)}">`,
    );
    for (const t of run.tests) xml.push(...testcase(summary.lab, t));
    xml.push('  </testsuite>');
  }
  xml.push('</testsuites>');
  return xml.join('\n') + '\n';
}

function testcase(lab: string, t: TestResult): string[] {
  const open = `    <testcase classname="${escapeMarkup(lab)}" name="${escapeMarkup(t.name)}" time="${secs(t.durationMs)}"`;
  const body = [
    ...t.notes,
    ...(t.replay ? [`${t.replay.label} ${t.seed}; to replay: ${t.replay.command}`] : []),
    ...(t.dir ? [`artifacts: ${t.dir}`] : []),
  ].join('\n');
  switch (t.status) {
    case 'passed':
      return [`${open}/>`];
    case 'skipped':
      return [`${open}>`, `      <skipped message="${escapeMarkup(t.skipped ?? '')}"/>`, '    </testcase>'];
    case 'failed':
      return [
        `${open}>`,
        `      <failure message="${escapeMarkup(t.notes[0] ?? 'failed')}" type="TestFailure">${escapeMarkup(body)}</failure>`,
        '    </testcase>',
      ];
    case 'error':
      return [
        `${open}>`,
        `      <error message="${escapeMarkup(HARNESS_ERROR)}" type="GraderError">${escapeMarkup(body)}</error>`,
        '    </testcase>',
      ];
  }
}

function count(tests: TestResult[], status: TestResult['status']): number {
  return tests.filter((t) => t.status === status).length;
}

function secs(ms: number): string {
  return (ms / 1000).toFixed(3);
}
