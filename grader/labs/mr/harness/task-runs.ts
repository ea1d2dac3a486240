// Who ran which task, when, and whether the coordinator took its report,
// from the workers' traces: the record the challenge track's edge tests
// judge by (a task run on two workers in a job with no straggler; a finished
// reduce task run again after its worker was lost). A map task is named by
// its input, a reduce task by its bucket (ihash(key) % nReduce); a worker's
// run of a task is its calls of that task up to its next RPC (the report).

import type { Proc } from '../../../core/processes';
import { ihash } from '../../../../src/kit/hash';
import { isTaskEvent } from '../../../../src/main/trace-format';
import type { Job } from './job';
import { traceLines } from './traces';

export interface Run {
  proc: Proc;
  /** "the map task of <input>", or "reduce task <Y>". */
  task: string;
  phase: 'map' | 'reduce';
  /** When its first call started. */
  start: number;
  /** When its last call ended well, if it did. */
  end?: number;
  /** When the coordinator answered its report (the worker's next RPC after it), if it did, without an error. */
  reported?: number;
}

/** Every run of a task on a worker, in the order they started. (A reduce task with no key makes no call: it is not here.) */
export function taskRuns(job: Job): Run[] {
  const runs: Run[] = [];
  for (const [proc, file] of job.traceFiles) {
    let open: Run | undefined; // its report not sent yet
    let reporting: Run | undefined; // its report sent, not answered yet
    for (const e of traceLines(file)) {
      if (isTaskEvent(e)) {
        const task = e.phase === 'map' ? `the map task of ${e.input}` : `reduce task ${ihash(e.input) % job.nReduce}`;
        if (e.event === 'start' && open?.task !== task)
          runs.push((open = { proc, task, phase: e.phase, start: e.time }));
        if (e.event === 'end' && e.outcome === 'ok' && open?.task === task) open.end = e.time;
      } else if (e.event === 'call' && e.to === undefined) {
        reporting = open?.end !== undefined ? open : undefined; // a call to the coordinator: the report, if a run was open
        open = undefined;
      } else if (e.event === 'reply' && e.to === undefined && reporting) {
        if (!e.failed) reporting.reported = Number(e.time);
        reporting = undefined;
      }
    }
  }
  return runs.sort((a, b) => a.start - b.start);
}

/** The tasks that ran on more than one worker: each with its first run on each worker, earliest first. */
export function tasksOnTwoWorkers(runs: Run[]): Run[][] {
  const byTask = new Map<string, Run[]>();
  for (const run of runs) {
    const seen = byTask.get(run.task) ?? [];
    if (!seen.some((r) => r.proc === run.proc)) seen.push(run);
    byTask.set(run.task, seen);
  }
  return [...byTask.values()].filter((on) => on.length > 1);
}

/** The median of some durations (ms); 0 for none. */
export function median(ms: number[]): number {
  const sorted = [...ms].sort((a, b) => a - b);
  return sorted.length ? sorted[Math.floor(sorted.length / 2)] : 0;
}
