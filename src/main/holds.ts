// Holds: how the grader forces a schedule (a straggler, a late report, a
// thundering herd) instead of waiting for luck to produce one. A worker
// stops at an exact point of its work, after recording a "held" event in
// its trace, and stays there, its event loop blocked (to the coordinator it
// is a frozen worker), until the grader releases it by making a file
// "release-<pid>-<n>" in $MR_GATES. Only the kit's drivers hold, and only
// when the grader asks: a student's run never sees any of this.
//
// $MR_HOLD lists points where this process holds, once each:
//   map, reduce                before its first map (reduce) call runs
//   map-report, reduce-report  at its first RPC after a map (reduce) call returned:
//                              the task's output is written, its report not yet sent
//   call                       before its first RPC goes out
//   read                       before it first opens an intermediate file (mr-X-Y...) to read it
//   fetch                      before its first RPC to another worker (the challenge track's fetches)
// $MR_GATES names a folder where the grader arms a point for whichever
// process reaches it on one input: a file "<point>@<sha1 of the input>"
// (the map's file name, or the reduce call's key). It holds while it exists.

import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import type { HeldEvent, HoldPoint, Phase, Unstamped } from './trace-format';

export type HoldEvent = Unstamped<HeldEvent>;

export interface Holds {
  /** A map or reduce call is about to run. */
  beforeCall(phase: Phase, input: string): void;
  /** A map or reduce call has returned. */
  afterCall(phase: Phase, input: string): void;
  /** An RPC is about to be sent. */
  beforeRpc(): void;
  /** An intermediate file is about to be opened for reading. */
  beforeRead(): void;
  /** An RPC to another worker (not the coordinator) is about to be sent. */
  beforeFetch(): void;
}

const RELEASE_POLL_MS = 10;

/** The holds $MR_HOLD and $MR_GATES ask for; undefined without $MR_GATES (no one could release a hold). */
export function holdsFromEnv(record: (e: HoldEvent) => void, env = process.env): Holds | undefined {
  const once = new Set((env.MR_HOLD ?? '').split(',').filter(Boolean));
  const gates = env.MR_GATES;
  if (!gates) return undefined;

  const armed = (point: HoldPoint, input: string): boolean =>
    fs.existsSync(path.join(gates, `${point}@${crypto.createHash('sha1').update(input).digest('hex')}`));
  let held = 0;
  const hold = (at: HoldPoint, phase?: Phase, input?: string): void => {
    const n = ++held;
    record({ event: 'held', n, at, phase, input });
    const release = path.join(gates, `release-${process.pid}-${n}`);
    const nap = new Int32Array(new SharedArrayBuffer(4));
    // Sleeps (no CPU, no event loop) until released, or until the folder is gone: then no one is left to release it.
    while (!fs.existsSync(release) && fs.existsSync(gates)) Atomics.wait(nap, 0, 0, RELEASE_POLL_MS);
  };
  const holdOnce = (at: HoldPoint, phase?: Phase, input?: string): boolean => {
    if (!once.delete(at)) return false;
    hold(at, phase, input);
    return true;
  };

  // The last call that returned before the next RPC: the report of its task is what that RPC is.
  let returned: { phase: Phase; input: string; armed: boolean } | undefined;
  return {
    beforeCall(phase, input) {
      if (!holdOnce(phase, phase, input) && armed(phase, input)) hold(phase, phase, input);
    },
    afterCall(phase, input) {
      if (!returned?.armed || returned.phase !== phase) returned = { phase, input, armed: armed(`${phase}-report`, input) };
    },
    beforeRpc() {
      const last = returned;
      returned = undefined;
      if (last && !holdOnce(`${last.phase}-report`, last.phase, last.input) && last.armed) {
        hold(`${last.phase}-report`, last.phase, last.input);
      }
      holdOnce('call');
    },
    beforeRead() {
      holdOnce('read');
    },
    beforeFetch() {
      holdOnce('fetch');
    },
  };
}
