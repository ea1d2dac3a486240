// The challenge track's local shuffle (--challenge): the paper's MapReduce,
// each worker on a local disk of its own (mrworker --challenge,
// src/mr/challenge.ts). Map output stays there and reducers fetch it from
// the worker that has it; the job's folder is the shared one and ends with
// only the final mr-out files. The checks read what the kit's drivers record
// (harness/challenge-checks.ts).

import {
  checkFetchedFromEveryMapper,
  checkLocality,
  checkNoTaskTwice,
  checkSharedFolder,
  withChallengeHints,
} from '../harness/challenge-checks';
import { checkNoWorkerFailed, checkSameAsSequential } from '../harness/checks';
import type { Job } from '../harness/job';
import { defineTests } from '../harness/spec';

const WORKERS = 3;

export const LOCAL_SHUFFLE_TESTS = defineTests([
  // wc, 3 challenge workers: the output is mrsequential's; every intermediate
  // file a worker opened was on its own disk, every reducer fetched from each
  // worker that ran maps, the shared folder ends with only mr-out files, and
  // no task ran twice (a job with no failure and no straggler needs no backup).
  {
    id: 'shuffle-wc',
    name: 'local shuffle (wc)',
    app: 'wc',
    limitMs: 60_000,
    run: (job) => localShuffle(job, 'wc'),
  },

  // The same with indexer: values are document names, keys are many.
  {
    id: 'shuffle-indexer',
    name: 'local shuffle (indexer)',
    app: 'indexer',
    limitMs: 60_000,
    run: (job) => localShuffle(job, 'indexer'),
  },
]);

async function localShuffle(job: Job, app: string): Promise<void> {
  job.startCoordinator();
  await job.waitListening();
  for (let i = 0; i < WORKERS; i++) job.startWorker(app, {}, { challenge: true });
  await withChallengeHints(job, async () => {
    await job.waitCoordinator();
    checkLocality(job);
    checkSameAsSequential(job, app);
    await job.settle();
  });
  checkNoWorkerFailed(job, 'nothing crashes in it');
  checkNoTaskTwice(job); // first: a task run twice also leaves a copy no reducer needed to fetch
  checkFetchedFromEveryMapper(job);
  checkSharedFolder(job);
}
