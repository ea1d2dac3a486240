// A worker's map and reduce calls as the bars of its lane: each start paired
// with its end, a call the process died in running to its exit, and the short
// reduce calls of one task (its keys, in order, close together) merged into
// one bar, so that a lane shows tasks rather than thousands of keys.

import { compareCodePoints } from '../../../../src/kit/order';
import type { TraceEvent } from './data';

/** A bar on a lane: one map call, or a run of reduce calls of one task. */
export interface Bar {
  phase: 'map' | 'reduce';
  start: number;
  end: number;
  inputs: string[]; // map: [file]; reduce: the keys, in order
  longest: number; // ms, the longest single call
  /** The call never ended (the process died in it), or it threw. */
  failed?: 'no end' | 'error';
}

const REDUCE_GAP_MS = 50; // reduce calls closer than this (and in key order) form one bar

/** Pairs start and end events into bars, merging contiguous reduce calls of one task. */
export function pairCalls(calls: TraceEvent[], exitAt: number | undefined, t1: number): Bar[] {
  const out: Bar[] = [];
  let open: TraceEvent | undefined;
  let run: Bar | undefined; // the reduce run being extended
  const close = (bar: Bar): void => {
    if (run && continuesRun(run, bar)) {
      run.end = bar.end;
      run.inputs.push(...bar.inputs);
      run.longest = Math.max(run.longest, bar.longest);
      return;
    }
    out.push(bar);
    run = bar.phase === 'reduce' && !bar.failed ? bar : undefined;
  };
  for (const e of calls) {
    if (e.event === 'start') {
      if (open) close(unfinished(open, e.time));
      open = e;
    } else if (open && open.phase === e.phase && open.input === e.input) {
      const bar: Bar = {
        phase: e.phase,
        start: open.time,
        end: e.time,
        inputs: [e.input],
        longest: e.time - open.time,
      };
      if (e.outcome === 'error') bar.failed = 'error';
      close(bar);
      open = undefined;
    }
  }
  if (open) close(unfinished(open, exitAt ?? t1));
  return out;
}

/** A reduce call that returned soon after the run's last one, with a later key: the same task. */
function continuesRun(run: Bar, bar: Bar): boolean {
  return (
    bar.phase === 'reduce' &&
    !bar.failed &&
    bar.start - run.end <= REDUCE_GAP_MS &&
    compareCodePoints(run.inputs[run.inputs.length - 1], bar.inputs[0]) < 0
  );
}

/** A call with no end: it runs until the next start, the process's exit, or the picture's end. */
function unfinished(e: TraceEvent, until: number): Bar {
  const end = Math.max(e.time, until);
  return { phase: e.phase, start: e.time, end, inputs: [e.input], longest: end - e.time, failed: 'no end' };
}
