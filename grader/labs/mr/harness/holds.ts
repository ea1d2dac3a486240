// A worker held at a point of its work (src/main/holds.ts), as the grader
// reads it in the worker's trace, and how a forced schedule's story says
// where it is held.

import type { Proc } from '../../../core/processes';
import { ihash } from '../../../../src/kit/hash';
import type { HoldPoint, Phase } from '../../../../src/main/trace-format';
import { who } from './describe';
import { quote } from './output';

/** A worker held at a point of its work. */
export interface Hold {
  proc: Proc;
  pid: number;
  n: number;
  at: HoldPoint;
  phase?: Phase;
  input?: string;
  time: number;
  releasedAt?: number;
}

/** The hold a worker's trace line {"event":"held",...} records. */
export function holdOf(proc: Proc, e: Record<string, unknown>): Hold {
  return {
    proc,
    pid: Number(e.pid),
    n: Number(e.n),
    at: String(e.at) as HoldPoint,
    phase: e.phase as Phase | undefined,
    input: typeof e.input === 'string' ? e.input : undefined,
    time: Number(e.time),
  };
}

/** Where `h` holds, as the story tells it: "worker 2 (pid 123) held in the map of x". */
export function describeHold(h: Hold, nReduce: number): string {
  const on =
    h.phase === 'map'
      ? `the map of ${h.input}`
      : h.phase === 'reduce'
        ? `the reduce of key ${quote(h.input)} (reduce task ${ihash(h.input ?? '') % nReduce})`
        : '';
  switch (h.at) {
    case 'map':
    case 'reduce':
      return `${who(h.proc)} held in ${on}`;
    case 'map-report':
    case 'reduce-report':
      return `${who(h.proc)} held after ${on} returned, before its next RPC (the task's report)`;
    case 'call':
      return `${who(h.proc)} held before its first RPC`;
    case 'read':
      return `${who(h.proc)} held before it first read an intermediate file`;
    case 'fetch':
      return `${who(h.proc)} held before its first fetch from another worker`;
  }
}
