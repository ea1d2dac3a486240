// The debugging aids of a kept MapReduce test (a failed one, or every one
// with --keep or --trace): as the course leaves them in mr-tmp, the expected
// and the merged actual output; the test's own artifacts (what a forced
// schedule did); the timeline of every worker's calls; the merged log.

import * as path from 'path';
import type { TestRun } from '../../core/lab';
import type { TestResult } from '../../core/summary';
import { writeMergedLog } from '../../reports/merged-log';
import { writeFresh } from '../../sandbox/files';
import type { Job } from './harness/job';
import { readOutput } from './harness/output';
import type { MrTestSpec } from './harness/spec';
import type { MrPrepared } from './prepare';
import { timelineData } from './timeline/data';
import { writeTimeline } from './timeline/page';

export function keep(job: Job, test: TestRun<MrPrepared>, result: TestResult): void {
  const spec = test.spec as MrTestSpec;
  if (spec.app) job.artifact(`mr-correct-${spec.id}.txt`, test.prepared.expected.get(spec.app) ?? []);
  job.artifact(`mr-${spec.id}-all`, readOutput(job.dir).lines);
  for (const [name, lines] of job.artifacts) {
    writeFresh(path.join(job.dir, name), lines.length ? lines.join('\n') + '\n' : ''); // the folder is the student's: never through a link
  }
  const title = `${test.runs > 1 ? `[run ${test.run}] ` : ''}${spec.name} test`;
  writeTimeline(job.dir, timelineData(job, title, result.passed, result.notes));
  writeMergedLog(job.dir, title, job.procs, job.startedAt);
}
