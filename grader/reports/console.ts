// The console: the course's lines (`*** Starting wc test.`, `--- wc test:
// PASS`, `*** PASSED ALL TESTS`), a diagnosis under each failure with the
// seed and the command that replays it, where a kept test's folder is, and
// with --many a line per run and a table at the end. Colours only on a
// terminal (chalk decides).

import chalk from 'chalk';
import * as fs from 'fs';
import * as path from 'path';
import type { Reporter, RunStart } from '../core/events';
import { HARNESS_ERROR } from '../core/outcome';
import { startLine } from '../core/output-capture';
import type { Summary, TestResult } from '../core/summary';
import { manyTable } from './many';

export class ConsoleReporter implements Reporter {
  private command = 'grade';
  private many = false;
  private parallel = 1;

  notice(line: string): void {
    startLine();
    console.log(`${this.command}: ${line}`);
  }

  runStart(e: RunStart): void {
    this.command = e.lab.command;
    this.many = e.many > 1;
    this.parallel = e.parallel;
  }

  buildFailed(summary: Summary): void {
    console.log(chalk.red.bold(`*** Cannot build ${summary.impl}:`));
    console.log(summary.build.message);
    for (const t of summary.runs[0]?.tests ?? [])
      console.log(`--- ${t.name} test: ${chalk.red('FAIL')} (did not compile)`);
  }

  testStart(e: { name: string; run: number }): void {
    // (--many runs at once would interleave their starts; one run's tests at once are shown in order)
    if (!this.many || this.parallel === 1) console.log(chalk.bold(`${this.prefix(e.run)}*** Starting ${e.name} test.`));
  }

  testEnd(e: { result: TestResult }): void {
    const t = e.result;
    const prefix = this.prefix(t.run);
    startLine();
    console.log(`${prefix}--- ${t.name} test: ${verdict(t)}`);
    if (t.skipped) console.log(`${prefix}    ${t.skipped}`);
    for (const note of t.notes) console.log(`${prefix}    ${note}`); // a passed course test may carry notes
    if (!t.passed) {
      if (t.replay) console.log(`${prefix}    ${t.replay.label} ${t.seed}; to replay: ${t.replay.command}`);
      if (t.dir) console.log(`${prefix}    artifacts: ${t.dir}${timelineOf(t.dir)}`);
    } else if (t.dir) {
      console.log(`${prefix}    kept: ${t.dir}${timelineOf(t.dir)}`); // --keep or --trace
    }
  }

  suiteEnd(summary: Summary, run: number): void {
    const result = summary.runs.find((r) => r.run === run);
    if (!result) return;
    const ok = result.tests.every((t) => t.passed);
    const text = `[run ${run}] ${ok ? '*** PASSED ALL TESTS' : '*** FAILED SOME TESTS'} (${(result.durationMs / 1000).toFixed(1)} s)`;
    console.log(ok ? chalk.green(text) : chalk.red(text));
  }

  runEnd(summary: Summary): void {
    if (this.many) {
      console.log('');
      for (const line of manyTable(summary)) console.log(line);
    }
    if (summary.harnessError) {
      console.log(
        chalk.yellow.bold(`*** GRADER ERROR (${HARNESS_ERROR}): some tests could not be graded; tell your instructor`),
      );
    } else
      console.log(summary.passed ? chalk.green.bold('*** PASSED ALL TESTS') : chalk.red.bold('*** FAILED SOME TESTS'));
  }

  private prefix(run: number): string {
    return this.many ? `[run ${run}] ` : '';
  }
}

function verdict(t: TestResult): string {
  switch (t.status) {
    case 'skipped':
      return chalk.yellow('SKIP');
    case 'passed':
      return chalk.green('PASS');
    case 'failed':
      return chalk.red('FAIL');
    case 'error':
      return chalk.yellow('GRADER ERROR');
  }
}

/** " (timeline: <dir>/timeline.html)" when a kept folder has one: the first aid to open. */
function timelineOf(dir: string): string {
  const timeline = path.join(dir, 'timeline.html');
  return fs.existsSync(timeline) ? ` (timeline: ${timeline})` : '';
}
