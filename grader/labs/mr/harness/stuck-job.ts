// When a job can no longer finish: every worker has gone and the
// coordinator still runs, or, with restart loops (the crash test), the
// latest workers all exited as if the job were done. Job.waitCoordinator
// fails such a job a few seconds later instead of sitting out the time limit.

import { fail } from '../../../core/outcome';
import { fmtSeconds, Proc } from '../../../core/processes';
import { indent } from './describe';

/** Fails when the job has been unable to finish for more than `graceMs` and the coordinator `c` still runs. */
export function failIfStuck(c: Proc, workers: readonly Proc[], restarting: boolean, graceMs: number): void {
  const stuck = stuckSince(workers, restarting);
  if (stuck && Date.now() - stuck.since > graceMs) {
    const broken = workers.find((w) => w.exit && w.exit.code !== 0);
    fail(
      `the job did not finish: ${stuck.why}, but the coordinator (pid ${c.pid}) was still running ${fmtSeconds(graceMs)} later`,
      ...(broken
        ? [`${broken.role} (pid ${broken.pid}) ${broken.describeExit()}; its last output:`, ...indent(broken.tail())]
        : []),
    );
  }
}

/** When the job became unable to finish, if it has. */
function stuckSince(workers: readonly Proc[], restarting: boolean): { since: number; why: string } | undefined {
  if (workers.length === 0) return undefined;
  if (!restarting) {
    if (workers.some((w) => w.alive)) return undefined;
    const statuses = workers.map((w) => w.exit!.code ?? w.exit!.signal).join(', ');
    return {
      since: Math.max(...workers.map((w) => w.exit!.at)),
      why: `all ${workers.length} workers exited (statuses ${statuses})`,
    };
  }
  // Crash test: workers are restarted forever. Stuck means the last few
  // exits were all clean ones (status 0: "the job is done"), yet it isn't.
  const exits = workers.filter((w) => w.exit).sort((a, b) => a.exit!.at - b.exit!.at);
  const streak: Proc[] = [];
  for (let i = exits.length - 1; i >= 0 && exits[i].exit!.code === 0; i--) streak.unshift(exits[i]);
  if (streak.length < 3) return undefined;
  return {
    since: streak[0].exit!.at,
    why: `the last ${streak.length} workers exited with status 0 (${workers.length} started in all)`,
  };
}
