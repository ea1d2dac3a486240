// Exact invariants, checked after every test from what the kit's drivers
// recorded (each worker's trace: its map and reduce calls, and every open of
// a job file for writing under its final name) and what the job left. No
// poll has to be lucky: a rule broken once is in the record. The extended
// tier fails a test that breaks one; the course's tests keep the course's
// verdict and print a note.

import { at, who } from './describe';
import { Job } from './job';
import { keyOrderBreaks } from './layout';
import { ihash } from '../../../../src/kit/hash';
import { outputFiles, quote } from './output';
import { Proc } from '../../../core/processes';
import { readTrace, traceLines } from './traces';

/**
 * A task may go to a second worker 10 s after it went to a first. Trace times
 * are when each worker began the call, not when the coordinator handed it
 * out: 3 s of slack keep a loaded machine's delays from looking like a bug,
 * and still catch a coordinator that re-issues at once or after a few seconds.
 */
const REASSIGN_MS = 7_000;

interface Call {
  proc: Proc;
  phase: 'map' | 'reduce';
  task: string; // the map's input file, or "reduce task Y"
  input: string;
  start: number;
  end?: number;
  ok: boolean;
}

/** Every rule the job broke, one line each (none: []). */
export function invariantBreaks(job: Job): string[] {
  const calls = readCalls(job);
  return [
    ...writesUnderFinalNames(job),
    ...reduceBeforeMapsDone(job, calls),
    ...(job.options.allowsBackups ? [] : earlyReassignment(job, calls)),
    ...keysOutOfOrder(job),
  ];
}

function readCalls(job: Job): Call[] {
  const calls: Call[] = [];
  for (const [proc, file] of job.traceFiles) {
    const open = new Map<string, Call>();
    for (const e of readTrace(file)) {
      const key = `${e.phase} ${e.input}`;
      if (e.event === 'start') {
        const task = e.phase === 'map' ? e.input : `reduce task ${ihash(e.input) % job.nReduce}`;
        const call: Call = { proc, phase: e.phase, task, input: e.input, start: e.time, ok: false };
        open.set(key, call);
        calls.push(call);
      } else {
        const call = open.get(key);
        if (call) {
          call.end = e.time;
          call.ok = e.outcome === 'ok';
          open.delete(key);
        }
      }
    }
  }
  return calls.sort((a, b) => a.start - b.start);
}

/** Rule 8: the job's files appear only by renaming a complete temporary file onto their name. */
function writesUnderFinalNames(job: Job): string[] {
  const breaks: string[] = [];
  for (const [proc, file] of job.traceFiles) {
    const seen = new Set<string>();
    for (const e of traceLines(file)) {
      if (e.event !== 'write' || typeof e.file !== 'string' || seen.has(e.file)) continue;
      seen.add(e.file);
      if (seen.size > 3) continue;
      breaks.push(
        `${who(proc)} opened ${e.file} for writing under its final name (${String(e.how)}): ` +
          'write a temporary file in the same folder and rename it into place, so no one ever sees it half written',
      );
    }
  }
  return breaks;
}

/** Rule 4: no reduce call before every map task has finished once. */
function reduceBeforeMapsDone(job: Job, calls: Call[]): string[] {
  const firstDone = new Map<string, number>();
  for (const c of calls) {
    if (c.phase !== 'map') continue;
    if (!firstDone.has(c.task)) firstDone.set(c.task, Infinity);
    if (c.ok && c.end !== undefined) firstDone.set(c.task, Math.min(firstDone.get(c.task)!, c.end));
  }
  if (firstDone.size === 0 || [...firstDone.values()].some((t) => t === Infinity)) return []; // the maps never all finished: other checks say so
  const [lastTask, allDone] = [...firstDone].reduce((a, b) => (b[1] > a[1] ? b : a));
  const early = calls.find((c) => c.phase === 'reduce' && c.start < allDone);
  if (!early) return [];
  return [
    `a reduce call (key ${quote(early.input)}) started in ${who(early.proc)} at ${at(job, early.start)}, before the last map task ` +
      `had finished (the map of ${lastTask} first finished at ${at(job, allDone)}): no reduce task may start until every map task is done`,
  ];
}

/** Rule 7: a task goes to another worker only when it has not been reported done 10 s after it was handed out. */
function earlyReassignment(job: Job, calls: Call[]): string[] {
  const first = new Map<string, Call>(); // task -> its first call on each worker, the earliest first
  const breaks: string[] = [];
  const started = new Set<string>();
  for (const c of calls) {
    const mark = `${c.task}\0${c.proc.pid}`;
    if (started.has(mark)) continue; // a reduce task makes many calls: its start is its first
    started.add(mark);
    const before = first.get(c.task);
    if (!before) {
      first.set(c.task, c);
      continue;
    }
    const alive = !before.proc.exit || before.proc.exit.at > c.start;
    if (alive && c.start - before.start < REASSIGN_MS && breaks.length < 3) {
      breaks.push(
        `${c.task === c.input ? `the map task of ${c.task}` : c.task} started on ${who(c.proc)} at ${at(job, c.start)}, ` +
          `only ${((c.start - before.start) / 1000).toFixed(1)} s after it started on ${who(before.proc)}, which was still running: ` +
          'hand a task to another worker only when it has not been reported done 10 s after it was handed out',
      );
    }
  }
  return breaks;
}

/** Rule 1: each mr-out file lists its keys in mrsequential's order, by code point. */
function keysOutOfOrder(job: Job): string[] {
  let files: Map<string, string>;
  try {
    files = outputFiles(job.dir);
  } catch {
    return []; // too large to read: the output check says so
  }
  const numbered = new Map([...files].filter(([name]) => /^mr-out-\d+$/.test(name)));
  return keyOrderBreaks(numbered)
    .slice(0, 1)
    .map(
      (b) =>
        `keys out of order in ${b.file}: ${quote(b.before)} (line ${b.line - 1}) before ${quote(b.key)} (line ${b.line}); keys go in code-point order, as mrsequential writes them`,
    );
}
