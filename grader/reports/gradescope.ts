// A Gradescope results.json, written after every test (a grader stopped or
// killed still leaves what it had found; tests not run yet are listed at 0)
// and at the end. What a student sees must be something they can act on in
// their own clone: the diagnosis, and for a seeded test its seed and the
// command that replays it; never a folder of the grading machine.

import type { Reporter } from '../core/events';
import { HARNESS_ERROR } from '../core/outcome';
import type { Points } from '../core/points';
import { byTest, Summary, TestResult } from '../core/summary';
import { writeAtomic } from '../sandbox/files';

export interface GradescopeTest {
  name: string;
  score: number;
  max_score: number;
  status: 'passed' | 'failed';
  output: string;
}

export interface GradescopeResults {
  score: number;
  execution_time: number;
  output: string;
  tests: GradescopeTest[];
}

export class GradescopeReporter implements Reporter {
  /** `selected`: every test of the run (id, name), so that a report written before the end lists those not run yet. */
  constructor(
    private readonly file: string,
    private readonly points: Points,
    private readonly selected: Array<{ id: string; test: string; name: string }>,
  ) {}

  private write(summary: Summary): void {
    writeAtomic(this.file, JSON.stringify(gradescopeResults(summary, this.points, this.selected), null, 2) + '\n');
  }

  buildFailed(summary: Summary): void {
    this.write(summary);
  }

  testEnd(e: { summary: Summary }): void {
    this.write(e.summary);
  }

  runEnd(summary: Summary): void {
    this.write(summary);
  }
}

export function gradescopeResults(
  summary: Summary,
  points: Points,
  selected: Array<{ id: string; test: string; name: string }>,
): GradescopeResults {
  const many = summary.runs.length > 1;
  const ran = byTest(summary);
  const tests: GradescopeTest[] = ran.map(({ results }) => {
    const { test, name } = results[0];
    const passed = results.every((t) => t.passed);
    const skipped = results.some((t) => t.status === 'skipped');
    const failures = results.filter((t) => !t.passed).length;
    return {
      name: `${name} test`,
      score: passed && !skipped ? (points[test] ?? 0) : 0,
      max_score: points[test] ?? 0,
      status: passed ? 'passed' : 'failed',
      output: [
        ...(many ? [`${failures}/${results.length} runs failed`] : []),
        ...results.filter((t) => (many ? !t.passed : true)).map((t) => describe(t, many)),
      ].join('\n'),
    };
  });
  for (const t of selected.filter((s) => !ran.some((r) => r.id === s.id))) {
    tests.push({
      name: `${t.name} test`,
      score: 0,
      max_score: points[t.test] ?? 0,
      status: 'failed',
      output: 'not run: the grader stopped before it',
    });
  }
  const output = [
    summary.build.ok ? '' : `The implementation did not compile:\n${summary.build.message}`,
    summary.harnessError
      ? `The grader itself failed on some tests (${HARNESS_ERROR}): they score 0 until your instructor re-runs them.`
      : '',
  ];
  return {
    score: tests.reduce((sum, t) => sum + t.score, 0),
    execution_time: Math.round(summary.durationMs / 1000),
    output: output.filter(Boolean).join('\n'),
    tests,
  };
}

/** A test's result as a student reads it: the verdict, the diagnosis, the seed and how to replay it. */
function describe(t: TestResult, many: boolean): string {
  const verdict = { passed: 'PASS', failed: 'FAIL', skipped: 'SKIP', error: 'GRADER ERROR' }[t.status];
  const head = `${many ? `run ${t.run}: ` : ''}${verdict} (${(t.durationMs / 1000).toFixed(1)} s)`;
  return [
    head,
    ...(t.skipped ? [`  ${t.skipped}`] : []),
    ...t.notes.map((n) => `  ${n}`),
    ...(t.replay && !t.passed
      ? [`  ${t.replay.label} ${t.seed}; to replay it in your own clone: ${t.replay.command}`]
      : []),
  ].join('\n');
}
