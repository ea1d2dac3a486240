// The extended tier's job shapes that the course never uses. A job of 8 map
// tasks and 10 (or 7) reduce tasks hides naming schemes that collide only
// with two-digit task numbers (mr-1-11 and mr-11-1, run together, are both
// mr-111) and a parse of mr-X-Y that reads Y as one digit; and nothing the
// course reads sees a temporary output file named like the output while it
// is written. These tests make the shape, and read the driver's record of
// every rename onto an output file: no poll has to be lucky.

import { fail, TestFailure } from '../../../core/outcome';
import { checkNoWorkerFailed, checkSameAsSequential, checkSameOutput } from '../harness/checks';
import { at, who } from '../harness/describe';
import { scheduleInputs } from '../harness/generated-inputs';
import { startGenerated } from '../harness/generated-job';
import type { Job } from '../harness/job';
import { checkFileSet, checkPartition } from '../harness/layout';
import { outputFiles } from '../harness/output';
import { defineTests } from '../harness/spec';
import { traceLines } from '../harness/traces';

/** More than ten of each, and not the same number: mr-1-11 and mr-11-1 both exist, and n_map and n_reduce differ. */
const MAPS = 13;
const REDUCES = 12;
const WORKERS = 3;

export const SHAPE_TESTS = defineTests([
  // wc on 13 small generated files with nReduce 12, 3 workers: at the
  // coordinator's exit exactly mr-out-0 .. mr-out-11, the output equals
  // mrsequential's, and every key is in mr-out-<ihash(key) % 12>.
  { id: 'many-tasks', name: 'many tasks', limitMs: 45_000, run: manyTasks },

  // wc, 3 workers: the job's output, and then, from the driver's record of
  // every rename onto an mr-out file, that no output was written under a
  // temporary name that starts with mr-out in the job's folder.
  { id: 'temp-names', name: 'temporary names', app: 'wc', limitMs: 45_000, run: tempNames },
]);

async function manyTasks(job: Job): Promise<void> {
  const { expected } = await startGenerated(job, 'wc', scheduleInputs(MAPS), REDUCES);
  for (let i = 0; i < WORKERS; i++) job.startWorker('wc');
  try {
    await job.waitCoordinator();
    const atExit = outputFiles(job.dir);
    checkFileSet(atExit, REDUCES);
    checkSameOutput(job, expected, `wc on ${MAPS} generated files`);
    checkPartition(atExit, REDUCES);
  } catch (err) {
    if (!(err instanceof TestFailure)) throw err;
    throw new TestFailure([
      ...err.notes,
      `(this job has ${MAPS} map tasks and ${REDUCES} reduce tasks, the course's never more than 10: task numbers have two digits, ` +
        'so names must keep X and Y apart (mr-1-11 is not mr-11-1) and read each number whole (mr-3-11 is for reduce task 11, not 1))',
    ]);
  }
  await job.settle();
  checkNoWorkerFailed(job, 'nothing crashes in it');
}

async function tempNames(job: Job): Promise<void> {
  await job.startJob('wc', WORKERS);
  await job.waitCoordinator();
  checkSameAsSequential(job, 'wc');
  await job.settle();
  checkTempNames(job);
}

/**
 * Every rename onto mr-out-Y came from a name that a reader of the output
 * (the course's `sort mr-out*`, a student's `ls mr-out*`) does not take for
 * output: not one starting with mr-out in the same folder.
 */
function checkTempNames(job: Job): void {
  for (const [proc, file] of job.traceFiles) {
    const seen = traceLines(file).find(
      (e) =>
        e.event === 'rename' &&
        /^mr-out-\d+$/.test(String(e.to)) &&
        String(e.from).startsWith('mr-out') &&
        !String(e.from).includes('/'),
    );
    if (!seen) continue;
    fail(
      `${who(proc)} wrote ${String(seen.to)} under the temporary name ${String(seen.from)} in the job's folder, and renamed it into place at ${at(job, Number(seen.time))}: ` +
        "until then anyone who reads the output as the course's script does (sort mr-out* | grep .) reads that file too, " +
        'half written, or whole and then again under its final name. Give temporary files a name that does not start with mr-out ' +
        '(such as .tmp-mr-out-3-<pid>), in the same folder',
    );
  }
}
