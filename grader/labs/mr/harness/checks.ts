// Checks more than one tier makes of a finished job: its output against
// mrsequential's, no worker failed, and which files of its folder are the
// grader's own.

import * as path from 'path';
import { fail } from '../../../core/outcome';
import type { Proc } from '../../../core/processes';
import { indent, who } from './describe';
import { Job } from './job';
import { describeDifference, readOutput, sameLines } from './output';

/** The course's cmp of `sort mr-out* | grep .` with mrsequential's output. */
export function checkSameAsSequential(job: Job, app: string, shown = app): void {
  checkSameOutput(job, job.expected(app), shown);
}

/** As checkSameAsSequential, against given expected lines (sorted): mrsequential's output on other inputs. */
export function checkSameOutput(job: Job, expected: string[], shown: string): void {
  const { lines, files } = readOutput(job.dir);
  if (sameLines(expected, lines)) return;
  fail(
    `${shown} output is not the same as mrsequential's` +
      (files.length ? ` (${files.length} mr-out-* file${files.length === 1 ? '' : 's'})` : ': no mr-out-* files'),
    ...describeDifference(expected, lines),
  );
}

/** Fails on the first of the job's workers that exited with an error: none may in a job where `why`. */
export function checkNoWorkerFailed(job: Job, why: string, except: ReadonlySet<Proc> = new Set()): void {
  const failed = job.workers.find((w) => !except.has(w) && w.exit && w.exit.code !== 0);
  if (failed) {
    fail(
      `${who(failed)} ${failed.describeExit()}: no worker may fail in this job (${why}); its last output:`,
      ...indent(failed.tail()),
    );
  }
}

/** Names in the test's folder that are the grader's own: process logs and trace files. */
export function graderFiles(job: Job): Set<string> {
  const own = new Set<string>();
  for (const p of job.procs) if (p.logFile) own.add(path.basename(p.logFile));
  for (const file of job.traceFiles.values()) own.add(path.basename(file));
  return own;
}
