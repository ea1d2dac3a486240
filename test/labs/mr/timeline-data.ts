// Fixed timeline data for the timeline's tests: a crash test of the course's
// lab, a challenge-track run with fetches and lost maps, one with the rarer
// marks (held workers, re-runs of several kinds, a loss at the page's right
// edge, a process still running), and an empty one. Built by hand, so that
// the same data always gives the same page.

import type { ProcessRecord, TimelineData, TraceEvent } from '../../../grader/labs/mr/timeline/data';
import type { FetchEvent } from '../../../grader/labs/mr/timeline/shuffle';

export const T0 = 1_700_000_000_000;

/** A map or reduce call from `start` ms to `end` ms (none: it never ended). */
export function call(
  pid: number,
  phase: 'map' | 'reduce',
  input: string,
  start: number,
  end?: number,
  outcome: 'ok' | 'error' = 'ok',
): TraceEvent[] {
  const s: TraceEvent = { pid, event: 'start', phase, input, time: T0 + start };
  return end === undefined ? [s] : [s, { pid, event: 'end', phase, input, time: T0 + end, outcome }];
}

/** A worker started at T0, with no calls, signals or exit unless given. */
export function proc(over: Partial<ProcessRecord> & Pick<ProcessRecord, 'role' | 'pid'>): ProcessRecord {
  return { kind: 'worker', startedAt: T0, timedOut: false, signals: [], calls: [], ...over };
}

/** A fetch from `to`: its call, and its reply unless `end` is undefined. */
export function fetch(
  pid: number,
  to: string,
  start: number,
  end?: number,
  reply: { bytes?: number; failed?: boolean } = {},
): FetchEvent[] {
  const c: FetchEvent = { pid, event: 'call', method: 'FetchPart', to, time: T0 + start };
  return end === undefined ? [c] : [c, { pid, event: 'reply', method: 'FetchPart', to, time: T0 + end, ...reply }];
}

export const ODD = '<script>alert("x")</script> & \'quotes\'\nnewline';
export const SOCK = (n: number): string => `/tmp/mr-sock/disk-${n}/worker.sock`;
export const FORGED = '"><script>alert(1)</script>';
export const MAPS = ['pg-a.txt', 'pg-b.txt', 'pg-c.txt', 'pg-d.txt', 'pg-e.txt', 'pg-f.txt', 'pg-g.txt', 'pg-h.txt'];

/** A crash test: a worker dies in a map call, a restart, a worker killed at its time limit. */
export function synthetic(): TimelineData {
  return {
    title: 'crash test',
    passed: false,
    notes: ["crash output is not the same as mrsequential's <b>"],
    t0: T0,
    t1: T0 + 20_000,
    processes: [
      proc({ role: 'coordinator', pid: 100, kind: 'coordinator', exit: { at: T0 + 19_000, code: 0, signal: null } }),
      // Crashes inside a map call: a start with no end, then status 1.
      proc({
        role: 'worker 1',
        pid: 101,
        startedAt: T0 + 100,
        calls: [...call(101, 'map', '../inputs/a.txt', 200, 900), ...call(101, 'map', ODD, 1000)],
        exit: { at: T0 + 1_200, code: 1, signal: null },
      }),
      // A restart of loop 1 (its second worker) doing reduces, then exit 0.
      proc({
        role: 'worker 2',
        pid: 102,
        startedAt: T0 + 300,
        loop: 1,
        calls: [...call(102, 'reduce', 'apple', 400, 410), ...call(102, 'reduce', 'banana', 410, 420)],
        exit: { at: T0 + 5_000, code: 0, signal: null },
      }),
      proc({
        role: 'worker 3',
        pid: 103,
        startedAt: T0 + 2_300,
        loop: 1,
        exit: { at: T0 + 6_000, code: 0, signal: null },
      }),
      // Killed at its time limit by the grader.
      proc({
        role: 'worker 4',
        pid: 104,
        startedAt: T0 + 500,
        timedOut: true,
        signals: [{ signal: 'SIGKILL', at: T0 + 15_000, why: 'time limit' }],
        exit: { at: T0 + 15_010, code: null, signal: 'SIGKILL' },
      }),
    ],
  };
}

/**
 * A lost-map-output run: workers 1 and 2 run four maps each; worker 2 is
 * killed at 5 s with its maps finished; worker 3 (started as its stand-in)
 * runs them again; workers 1 and 3 each run 5 reduce tasks, fetching every
 * map's part from whoever holds it (8 maps x 10 reduces). One fetch from the
 * dead worker fails, one goes to a forged endpoint, and one never hears back.
 */
export function challenge(): TimelineData {
  const w1: TraceEvent[] = [];
  const w2: TraceEvent[] = [];
  const w3: TraceEvent[] = [];
  MAPS.forEach((m, i) => (i % 2 ? w2 : w1).push(...call(i % 2 ? 202 : 201, 'map', m, 100 + i * 200, 300 + i * 200)));
  MAPS.filter((_, i) => i % 2).forEach((m, k) => w3.push(...call(203, 'map', m, 6000 + k * 300, 6250 + k * 300)));
  const f1: FetchEvent[] = [];
  const f3: FetchEvent[] = [];
  for (let r = 0; r < 10; r++) {
    const [pid, out, t] = r % 2 ? [203, f3, 7500 + r * 400] : [201, f1, 2000 + r * 400];
    for (let m = 0; m < 8; m++) {
      // The maps of worker 2 come from worker 2 before its death, from worker 3 after; all 8 at once.
      const from = m % 2 === 0 ? 1 : t < 5000 ? 2 : 3;
      out.push(...fetch(pid, SOCK(from), t + m, t + 40 + m, { bytes: 12345 }));
    }
  }
  f3.push(...fetch(203, SOCK(2), 6100, 7100, { failed: true })); // the dead worker does not answer
  f3.push(...fetch(203, FORGED, 6200, 6210, { bytes: 7 }));
  f1.push(...fetch(201, SOCK(3), 9000)); // no reply before the end
  return {
    title: 'lost map output',
    passed: true,
    notes: [],
    t0: T0,
    t1: T0 + 12_000,
    processes: [
      proc({ role: 'coordinator', pid: 200, kind: 'coordinator', exit: { at: T0 + 11_500, code: 0, signal: null } }),
      proc({ role: 'worker 1', pid: 201, calls: w1, fetches: f1, exit: { at: T0 + 11_600, code: 0, signal: null } }),
      proc({
        role: 'worker 2',
        pid: 202,
        calls: w2,
        signals: [{ signal: 'SIGKILL', at: T0 + 5000, why: 'lost map output' }],
        exit: { at: T0 + 5000, code: null, signal: 'SIGKILL' },
      }),
      proc({ role: 'worker 3', pid: 203, startedAt: T0 + 5500, calls: w3, fetches: f3 }),
    ],
    servers: new Map([1, 2, 3].map((n) => [SOCK(n), 200 + n])),
  };
}

/**
 * The rarer marks, in three seconds (an axis in tenths): a coordinator still
 * running at the end, a process that is no worker, a worker held and released
 * by a schedule, a call that threw, maps run again before a loss and after
 * it (one bar both lost and a re-run), a worker killed near the page's right
 * edge, one killed at its time limit with a status, and fetches of every
 * outcome (from an endpoint no worker served, some after the server's death).
 */
export function oddities(): TimelineData {
  const killedAt = 2950;
  return {
    title: 'odd marks',
    passed: false,
    notes: ['first note', 'second note'],
    t0: T0,
    t1: T0 + 3000,
    processes: [
      proc({ role: 'coordinator', pid: 300, kind: 'coordinator' }),
      proc({
        role: 'probe',
        pid: 399,
        kind: 'other',
        startedAt: T0 + 50,
        exit: { at: T0 + 2000, code: 0, signal: null },
      }),
      proc({
        role: 'worker 1',
        pid: 301,
        calls: [
          ...call(301, 'map', 'x', 0, 100),
          ...call(301, 'map', 'y', 100, 200),
          ...call(301, 'reduce', 'k1', 300, 310, 'error'),
          ...call(301, 'map', 'q', 1000, 1100),
        ],
        signals: [{ signal: 'SIGKILL', at: T0 + killedAt, why: 'lost map output' }],
        exit: { at: T0 + killedAt, code: null, signal: 'SIGKILL' },
      }),
      proc({
        role: 'worker 2',
        pid: 302,
        loop: 1,
        startedAt: T0 + 20,
        calls: [...call(302, 'map', 'y', 150, 250), ...call(302, 'map', 'x', 2960, 2990)],
        signals: [
          { signal: 'SIGSTOP', at: T0 + 500, why: 'held before its reduce', staged: true },
          { signal: 'SIGCONT', at: T0 + 900, why: 'worker 1 finished', staged: true },
        ],
        fetches: [
          ...fetch(302, SOCK(1), 400, 420, { bytes: 500 }),
          ...fetch(302, SOCK(1), 600, 700, { failed: true }),
          ...fetch(302, SOCK(1), 800, 820),
          ...fetch(302, 'tcp:10.0.0.9:7000', 1200, 1300, { failed: true }),
          ...fetch(302, SOCK(3), 1400, 1500, { bytes: 3_500_000 }),
          ...fetch(302, SOCK(1), killedAt + 10, killedAt + 30, { failed: true }),
        ],
      }),
      proc({
        role: 'worker 3',
        pid: 303,
        loop: 1,
        startedAt: T0 + 200,
        calls: [...call(303, 'map', 'q', 900, 950), ...call(303, 'map', 'q', 2970)],
        fetches: [...fetch(303, SOCK(1), 1000, 1010, { bytes: 999 }), ...fetch(303, SOCK(1), 2990)],
      }),
      proc({
        role: 'worker 4',
        pid: 304,
        startedAt: T0 + 300,
        timedOut: true,
        exit: { at: T0 + 2500, code: 1, signal: null },
      }),
    ],
    servers: new Map([
      [SOCK(1), 301],
      [SOCK(3), 303],
    ]),
  };
}

/** No processes at all, and no time: the page must still be whole. */
export function empty(): TimelineData {
  return { title: 'empty', passed: true, notes: [], t0: T0, t1: T0, processes: [] };
}
