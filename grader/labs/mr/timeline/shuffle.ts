// What the challenge track adds to a test's timeline, read from the workers'
// traces: each fetch of map output from another worker (a call with a `to`,
// and its reply), what came of the fetches each worker was sent, and the map
// tasks that ran more than once, among them those whose finished output was
// lost with a killed worker's disk. Pure functions over trace events, so that
// the layout only places what they find.

import type { RpcEvent, TaskEvent } from '../../../../src/main/trace-format';

/** A call to another worker, or its answer: an RPC event with a peer. */
export type FetchEvent = RpcEvent & { to: string };

/**
 * A trace line as a fetch event, keeping only fields of the right type (the
 * student's process wrote it); undefined for a coordinator call or anything else.
 */
export function fetchEvent(e: Record<string, unknown>): FetchEvent | undefined {
  if (e.event !== 'call' && e.event !== 'reply') return undefined;
  if (typeof e.to !== 'string' || typeof e.method !== 'string') return undefined;
  if (typeof e.pid !== 'number' || typeof e.time !== 'number' || !Number.isFinite(e.time)) return undefined;
  const out: FetchEvent = { pid: e.pid, event: e.event, method: e.method, to: e.to, time: e.time };
  if (typeof e.bytes === 'number' && Number.isSafeInteger(e.bytes) && e.bytes >= 0) out.bytes = e.bytes;
  if (e.failed === true) out.failed = true;
  if (typeof e.id === 'number' && Number.isSafeInteger(e.id)) out.id = e.id;
  return out;
}

/** One fetch, from its call to its reply. */
export interface Fetch {
  method: string;
  to: string; // the peer's endpoint
  start: number;
  end: number; // the reply's time; the call's own for one with no reply
  bytes?: number;
  /** The peer did not answer (or not in time); or no reply was recorded: the call threw, or the caller ended first. */
  failed?: 'failed' | 'no reply';
}

/**
 * Pairs each reply with its call: the call of the same number (id), or, in
 * a trace without numbers, the first unanswered call of the same method to
 * the same peer (then two overlapping fetches from one peer whose replies
 * cross would each get the other's time and bytes).
 */
export function pairFetches(events: FetchEvent[]): Fetch[] {
  const out: Fetch[] = [];
  const waiting = new Map<string, Fetch[]>();
  for (const e of events) {
    const key = JSON.stringify([e.method, e.to, e.id]);
    if (e.event === 'call') {
      const f: Fetch = { method: e.method, to: e.to, start: e.time, end: e.time, failed: 'no reply' };
      out.push(f);
      const queue = waiting.get(key);
      if (queue) queue.push(f);
      else waiting.set(key, [f]);
      continue;
    }
    const f = waiting.get(key)?.shift();
    if (!f) continue; // a reply to no call: nothing to draw
    f.end = Math.max(f.start, e.time);
    delete f.failed;
    if (e.failed) f.failed = 'failed';
    else if (e.bytes !== undefined) f.bytes = e.bytes;
  }
  return out;
}

/** What came of the fetches other workers sent to one worker. */
export interface Served {
  /** Answered: the fetches it served, and their bytes. */
  answered: number;
  bytes: number;
  /** Failed, or never answered, once it had ended: it was killed or had exited. */
  afterExit: number;
  /** While it ran: failed (no answer, or not in time), and with no reply recorded (the call threw, or the caller ended). */
  failed: number;
  noReply: number;
}

/** What each worker (by pid) served of `fetches`; a fetch that failed or has no reply was not served. */
export function servedFetches(
  fetches: Fetch[],
  serverOf: (to: string) => TracedProcess | undefined,
): Map<number, Served> {
  const served = new Map<number, Served>();
  for (const fe of fetches) {
    const server = serverOf(fe.to);
    if (!server) continue;
    const s = served.get(server.pid) ?? { answered: 0, bytes: 0, afterExit: 0, failed: 0, noReply: 0 };
    served.set(server.pid, s);
    if (!fe.failed) {
      s.answered++;
      s.bytes += fe.bytes ?? 0;
    } else if (server.exit && fe.end >= server.exit.at) s.afterExit++;
    else if (fe.failed === 'failed') s.failed++;
    else s.noReply++;
  }
  return served;
}

/** What the re-run analysis needs of a process (data.ts's ProcessRecord has it). */
export interface TracedProcess {
  role: string;
  pid: number;
  exit?: { at: number; signal: string | null };
  calls: TaskEvent[];
}

/** One map call of a task: who ran it, when, and when it finished (none: it never did, or it threw). */
export interface MapRun<P extends TracedProcess> {
  by: P;
  input: string;
  start: number;
  finished?: number;
}

/** Why a map run is marked on the timeline. */
export interface MapFate<P extends TracedProcess> {
  /** Its output was lost: it had finished on a worker killed at `at`, and the task started again elsewhere after. */
  lost?: { at: number; rerunBy: Array<MapRun<P>> };
  /** It is not the task's first run: the runs before it, and the lost one it stands in for, if any. */
  rerun?: { earlier: Array<MapRun<P>>; after?: MapRun<P> };
}

/** The key of a map run in `mapFates`: a bar of the timeline has these three. */
export function runKey(pid: number, input: string, start: number): string {
  return JSON.stringify([pid, input, start]);
}

/**
 * The map tasks whose start appears in more than one process's trace, each
 * run's fate by `runKey`. A worker ended by a signal lost its disk: the maps
 * it had finished that started again elsewhere after are lost, and those later
 * starts are re-runs after the loss; any other later start (a backup, a task
 * given again after a crash) is a plain re-run.
 */
export function mapFates<P extends TracedProcess>(processes: P[]): Map<string, MapFate<P>> {
  const byInput = new Map<string, Array<MapRun<P>>>();
  for (const p of processes) {
    for (const run of mapRuns(p)) {
      const runs = byInput.get(run.input);
      if (runs) runs.push(run);
      else byInput.set(run.input, [run]);
    }
  }
  const fates = new Map<string, MapFate<P>>();
  for (const runs of byInput.values()) {
    if (new Set(runs.map((r) => r.by)).size < 2) continue;
    runs.sort((a, b) => a.start - b.start);
    const startedAfter = (r: MapRun<P>, at: number): Array<MapRun<P>> =>
      runs.filter((o) => o.by !== r.by && o.start >= at);
    const lost = runs.filter((r) => {
      const at = killedAt(r.by);
      return r.finished !== undefined && at !== undefined && startedAfter(r, at).length > 0;
    });
    runs.forEach((r, i) => {
      const fate: MapFate<P> = {};
      if (lost.includes(r)) fate.lost = { at: killedAt(r.by)!, rerunBy: startedAfter(r, killedAt(r.by)!) };
      if (i > 0) {
        const after = lost.find((l) => l.by !== r.by && killedAt(l.by)! <= r.start);
        fate.rerun = { earlier: runs.slice(0, i), ...(after ? { after } : {}) };
      }
      if (fate.lost || fate.rerun) fates.set(runKey(r.by.pid, r.input, r.start), fate);
    });
  }
  return fates;
}

/** When a process was ended by a signal (its disk gone with it), if it was. */
function killedAt(p: TracedProcess): number | undefined {
  return p.exit?.signal ? p.exit.at : undefined;
}

/** A process's map calls, each start paired with the end that follows it. */
function mapRuns<P extends TracedProcess>(p: P): Array<MapRun<P>> {
  const runs: Array<MapRun<P>> = [];
  let open: MapRun<P> | undefined;
  for (const e of p.calls) {
    if (e.event === 'start') {
      open = e.phase === 'map' ? { by: p, input: e.input, start: e.time } : undefined; // a start ends any open call
      if (open) runs.push(open);
    } else if (open && e.phase === 'map' && open.input === e.input) {
      if (e.outcome !== 'error') open.finished = e.time;
      open = undefined;
    }
  }
  return runs;
}
