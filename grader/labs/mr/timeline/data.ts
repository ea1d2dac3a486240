// What a test's timeline shows, read from its job: each process the grader
// started (role, start, exit, the signals it sent it), the map and reduce
// calls and the fetches in each worker's $MR_TRACE file, and which worker
// served each endpoint fetched from. The one part of the timeline that knows
// the grader's Job: the rest works on TimelineData alone, which a test can
// build by hand.

import type { Job } from '../harness/job';
import type { SignalRecord } from '../../../core/processes';
import { traceLines } from '../harness/traces';
import { isTaskEvent, type TaskEvent } from '../../../../src/main/trace-format';
import { fetchEvent, type FetchEvent } from './shuffle';

/** A map or reduce call's start or end, from a worker's $MR_TRACE file. */
export type TraceEvent = TaskEvent;

export interface ProcessRecord {
  role: string; // "coordinator", "worker 3"
  pid: number;
  kind: 'coordinator' | 'worker' | 'other';
  startedAt: number; // ms since the epoch
  exit?: { at: number; code: number | null; signal: string | null };
  timedOut: boolean;
  signals: SignalRecord[];
  /** Crash test: the restart loop that started it (1-based), if any. */
  loop?: number;
  /** Its map and reduce calls, in file order. */
  calls: TraceEvent[];
  /** The challenge track: its calls to other workers and their replies, in file order. */
  fetches?: FetchEvent[];
}

export interface TimelineData {
  title: string; // "crash test"
  passed: boolean;
  notes: string[]; // the diagnosis
  t0: number; // the test's start
  t1: number; // the end of the picture
  processes: ProcessRecord[];
  /** The challenge track: the pid of the worker serving at each endpoint a fetch went to, where one did. */
  servers?: Map<string, number>;
}

/** What a job recorded, as timeline data; the picture ends now, or at the last exit if that is later. */
export function timelineData(job: Job, title: string, passed: boolean, notes: string[]): TimelineData {
  const processes: ProcessRecord[] = job.procs.map((p) => {
    const trace = job.traceFiles.get(p);
    const lines = trace ? traceLines(trace) : [];
    return {
      role: p.role,
      pid: p.pid,
      kind: p === job.coordinator ? 'coordinator' : trace !== undefined ? 'worker' : 'other',
      startedAt: p.startedAt,
      exit: p.exit && { at: p.exit.at, code: p.exit.code, signal: p.exit.signal },
      timedOut: p.timedOut,
      signals: [...p.signals],
      loop: job.restarts.restartedBy.get(p),
      calls: lines.filter(isTaskEvent),
      fetches: lines.flatMap((e) => fetchEvent(e) ?? []),
    };
  });
  const servers = new Map<string, number>();
  for (const p of processes) {
    for (const e of p.fetches ?? []) {
      const server = job.disks.workerAt(e.to);
      if (server) servers.set(e.to, server.pid);
    }
  }
  let t1 = Date.now();
  for (const p of processes) t1 = Math.max(t1, p.exit?.at ?? 0);
  return { title, passed, notes, t0: job.startedAt, t1, processes, servers };
}
