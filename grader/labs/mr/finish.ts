// The end of a MapReduce test, whatever its body did: a last measure of the
// budgets, every process ended, then the verdict's last word. A broken budget
// is the cause, whatever the test saw after it ended the job (one the
// machine broke makes the run the grader's error, not the student's); the exact
// invariants fail a strict tier's test and are notes on a course test; a
// rename across file systems gets its hint.

import { Outcome, outcomeOfBreach } from '../../core/outcome';
import type { TestRun } from '../../core/lab';
import type { Job } from './harness/job';
import { invariantBreaks } from './harness/invariants';

export async function finish(job: Job, outcome: Outcome, test: TestRun): Promise<Outcome> {
  try {
    job.budget.measure(); // a last measure, for what was done since the monitor's
  } finally {
    await job.stop();
  }
  if (outcome.status === 'passed' && !job.budget.broken) {
    const breaks = invariantBreaks(job);
    if (breaks.length && test.strict) outcome = { status: 'failed', notes: breaks };
    else outcome = { status: 'passed', notes: [...outcome.notes, ...breaks.map((b) => `note: ${b}`)] };
  }
  if (
    outcome.status === 'failed' &&
    job.folders.foreignTmp &&
    job.procs.some((p) => p.tail().some((l) => l.includes('EXDEV')))
  ) {
    outcome = {
      status: 'failed',
      notes: [
        ...outcome.notes,
        'hint: a rename failed with EXDEV (cross-device): here, as on many machines, $TMPDIR (os.tmpdir()) is on another file system ' +
          "than the job's folder, and rename cannot move a file between file systems; make temporary files in the job's folder (the current directory)",
      ],
    };
  }
  if (job.budget.broken) outcome = outcomeOfBreach(job.budget.broken, outcome);
  return outcome;
}
