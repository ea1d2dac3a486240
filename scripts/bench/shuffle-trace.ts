// What a challenge job's shuffle moved, read from its workers' traces
// (src/main/trace-format.ts) and local disks: for each run of a reduce task,
// the bytes its reducer fetched from each other worker (in how many Fetch
// calls, taking how long) and the bytes of its parts on the reducer's own disk.

import * as fs from 'fs';
import * as path from 'path';
import { ihash } from '../../src/kit/hash';

/** One worker of a traced job: its trace's lines in order, and the address it served its parts on. */
export interface TracedWorker {
  events: Array<Record<string, unknown>>;
  address: string;
}

/** The fetch figures of a reduce task's run, or of all a reducer's runs. */
export interface Fetched {
  /** Bytes fetched from other workers. */
  fetchedBytes: number;
  /** Bytes of the task's parts on the reducer's own disk, read without a fetch. */
  localBytes: number;
  /** Fetch calls: one per chunk of a part (at most 1 MB each in the reference solution). */
  fetches: number;
  failedFetches: number;
  /** The fetches' round trips, summed. */
  fetchMs: number;
  /** Bytes fetched from each worker, by worker index (0 for the reducer itself). */
  fetchedFrom: number[];
}

/** One run of a reduce task, as its reducer's trace shows it. */
export interface ReduceRun extends Fetched {
  /** The reduce task; undefined when the run made no reduce call (it gave up on a lost worker, or had no key). */
  task?: number;
  reducer: number;
  /** From the reply that handed the task out to the end of its last reduce call. */
  ms: number;
}

export interface ReducerTotals extends Fetched {
  worker: number;
  /** Map task runs it finished: the parts on its disk, which the others fetch. */
  mapTasks: number;
  reduceTasks: number;
  /** Bytes the other workers fetched from this one. */
  servedBytes: number;
}

export interface ShuffleFigures extends Omit<Fetched, 'fetchedFrom'> {
  /** Every part once: what the reduce tasks needed in all. */
  intermediateBytes: number;
  reducers: ReducerTotals[];
  tasks: ReduceRun[];
}

/** The bytes of each reduce task's parts (mr-X-Y, each X once), from the workers' local disks. */
export function partBytesOn(disks: string[]): number[] {
  const sizes = new Map<string, number>(); // "X-Y" -> bytes: a map task run twice left two copies of the same bytes
  for (const disk of disks) {
    for (const name of fs.existsSync(disk) ? fs.readdirSync(disk) : []) {
      const m = /^mr-(\d+)-(\d+)$/.exec(name);
      if (m && !sizes.has(`${m[1]}-${m[2]}`)) sizes.set(`${m[1]}-${m[2]}`, fs.statSync(path.join(disk, name)).size);
    }
  }
  const bytes: number[] = [];
  for (const [part, size] of sizes) {
    const y = Number(part.split('-')[1]);
    while (bytes.length <= y) bytes.push(0);
    bytes[y] += size;
  }
  return bytes;
}

/**
 * Reads the traces. A reducer's run of a task is what its trace holds from
 * the reply of the RequestTask call that handed it out to the next
 * ReportTask call: the fetches, then the reduce calls, whose first key
 * names the task (ihash(key) % nReduce). partBytes[y] is what task y needs in all.
 */
export function shuffleFigures(workers: TracedWorker[], partBytes: number[]): ShuffleFigures {
  const byAddress = new Map(workers.map((w, i) => [w.address, i]));
  const tasks = workers.flatMap((w, i) => reduceRuns(w.events, i, workers.length, byAddress, partBytes));
  const sum = (runs: Fetched[], key: 'fetchedBytes' | 'localBytes' | 'fetches' | 'failedFetches' | 'fetchMs') =>
    runs.reduce((total, r) => total + r[key], 0);
  const totals = (runs: Fetched[]) => ({
    fetchedBytes: sum(runs, 'fetchedBytes'),
    localBytes: sum(runs, 'localBytes'),
    fetches: sum(runs, 'fetches'),
    failedFetches: sum(runs, 'failedFetches'),
    fetchMs: sum(runs, 'fetchMs'),
  });
  const reducers = workers.map((_, worker): ReducerTotals => {
    const runs = tasks.filter((t) => t.reducer === worker);
    return {
      worker,
      mapTasks: workers[worker].events.filter((e) => e.event === 'end' && e.phase === 'map' && e.outcome === 'ok')
        .length,
      reduceTasks: runs.filter((t) => t.task !== undefined).length,
      ...totals(runs),
      fetchedFrom: workers.map((__, from) => runs.reduce((total, r) => total + r.fetchedFrom[from], 0)),
      servedBytes: tasks.reduce((total, r) => total + r.fetchedFrom[worker], 0),
    };
  });
  return { intermediateBytes: partBytes.reduce((a, b) => a + b, 0), ...totals(tasks), reducers, tasks };
}

/** One worker's runs of reduce tasks, in the order it ran them. */
function reduceRuns(
  events: Array<Record<string, unknown>>,
  reducer: number,
  workers: number,
  byAddress: Map<string, number>,
  partBytes: number[],
): ReduceRun[] {
  const runs: ReduceRun[] = [];
  let run: (ReduceRun & { startedAt: number; endedAt: number }) | undefined;
  const close = (): void => {
    if (run && (run.task !== undefined || run.fetches > 0)) {
      const { startedAt, endedAt, ...figures } = run;
      if (figures.task !== undefined) figures.localBytes = Math.max(0, partBytes[figures.task] - figures.fetchedBytes);
      runs.push({ task: figures.task, ...figures, ms: Math.max(0, endedAt - startedAt) }); // the task first in the report
    }
    run = undefined;
  };
  const calledAt = new Map<string, number>(); // a peer's address -> when the fetch now waiting on it was sent
  for (const e of events) {
    const time = typeof e.time === 'number' ? e.time : 0;
    if (e.event === 'reply' && e.method === 'RequestTask') {
      close();
      const fetchedFrom = Array<number>(workers).fill(0);
      const zero = { fetchedBytes: 0, localBytes: 0, fetches: 0, failedFetches: 0, fetchMs: 0, ms: 0 };
      run = { reducer, ...zero, fetchedFrom, startedAt: time, endedAt: time };
    } else if (e.method === 'Fetch' && typeof e.to === 'string') {
      if (e.event === 'call') calledAt.set(e.to, time);
      if (e.event !== 'reply' || !run) continue;
      const bytes = typeof e.bytes === 'number' ? e.bytes : 0;
      run.fetches++;
      run.failedFetches += e.failed === true ? 1 : 0;
      run.fetchMs += time - (calledAt.get(e.to) ?? time);
      run.fetchedBytes += bytes;
      const from = byAddress.get(e.to);
      if (from !== undefined) run.fetchedFrom[from] += bytes;
    } else if (e.phase === 'reduce' && run) {
      if (e.event === 'start' && run.task === undefined && typeof e.input === 'string' && partBytes.length > 0) {
        run.task = ihash(e.input) % partBytes.length;
      }
      if (e.event === 'end') run.endedAt = time;
    } else if (e.event === 'call' && e.method === 'ReportTask') {
      close();
    }
  }
  close();
  return runs;
}
