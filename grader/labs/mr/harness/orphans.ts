// A task whose worker died while running it, and that no worker has started
// since: the coordinator never handed it out again. The workers' traces say
// which task each was running when it died (a map or reduce call started and
// not reported: no RPC to the coordinator after it), so the job need not sit
// out its time limit: once no correct coordinator could still be waiting to
// hand it out (its 10 s, and a loaded machine's delays), the diagnosis is
// certain, and said with the task, the worker and the time of its death.

import { fail } from '../../../core/outcome';
import type { Proc } from '../../../core/processes';
import { ihash } from '../../../../src/kit/hash';
import { at, who } from './describe';
import type { Job } from './job';
import { traceLines } from './traces';

/** After a death, how long a task may wait to be handed out again: the course's 10 s, and 15 s of slack. */
export const ORPHAN_GRACE_MS = 25_000;

interface Orphan {
  task: string;
  worker: Proc;
  startedAt: number; // when the dead worker started it
  diedAt: number;
}

/** Fails the test when a dead worker's task has gone unstarted for more than the grace (scaled by the caller). */
export function failIfOrphaned(job: Job, graceMs: number, now = Date.now()): void {
  if (!job.workers.some((w) => died(w) && now - w.exit!.at > graceMs)) return; // no trace to read yet
  const orphan = findOrphans(job).find((o) => now - o.diedAt > graceMs);
  if (!orphan) return;
  fail(
    `${orphan.task} was handed to ${who(orphan.worker)}, which died at ${at(job, orphan.diedAt)} while running it ` +
      `(${orphan.worker.describeExit()}), and was never handed out again (${Math.round((now - orphan.diedAt) / 1000)} s later)`,
    'a coordinator must give a task to another worker when the worker it went to has not reported it done 10 s after it was handed out',
  );
}

/** The tasks of dead workers that no other worker has finished, nor started again since those workers started them. */
export function findOrphans(job: Job): Orphan[] {
  const held: Orphan[] = [];
  const starts: Array<{ proc: Proc; task: string; time: number }> = [];
  const finished: Array<{ proc: Proc; task: string }> = [];
  for (const [proc, file] of job.traceFiles) {
    let current: { task: string; time: number; reported: boolean } | undefined;
    let open = 0;
    for (const e of traceLines(file)) {
      if (e.event === 'start' && (e.phase === 'map' || e.phase === 'reduce') && typeof e.input === 'string') {
        const task = taskOf(job, e.phase, e.input);
        const time = Number(e.time);
        starts.push({ proc, task, time });
        if (current?.task !== task || current.reported) current = { task, time, reported: false };
        open++;
      } else if (e.event === 'end') {
        open = Math.max(0, open - 1);
      } else if (e.event === 'call' && e.to === undefined && open === 0 && current && !current.reported) {
        current.reported = true; // an RPC to the coordinator after the task's calls ended: its report
        finished.push({ proc, task: current.task });
      }
    }
    if (died(proc) && current && !current.reported) {
      held.push({ task: current.task, worker: proc, startedAt: current.time, diedAt: proc.exit!.at });
    }
  }
  const elsewhere = (o: Orphan) => (x: { proc: Proc; task: string }) => x.proc !== o.worker && x.task === o.task;
  return held.filter(
    (o) => !starts.some((s) => elsewhere(o)(s) && s.time > o.startedAt) && !finished.some(elsewhere(o)),
  );
}

/** A worker that ended other than by returning from worker() (a crash, a kill). */
function died(proc: Proc): boolean {
  return proc.exit !== undefined && (proc.exit.code !== 0 || proc.exit.signal !== null);
}

function taskOf(job: Job, phase: 'map' | 'reduce', input: string): string {
  return phase === 'map' ? `the map task of ${input}` : `reduce task ${ihash(input) % job.nReduce}`;
}
