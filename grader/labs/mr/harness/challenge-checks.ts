// The challenge track's checks that more than one of its tests makes
// (tiers/challenge-*.ts). Each worker runs on a local disk of its own
// (mrworker --challenge, src/mr/challenge.ts); map output stays there and
// reducers fetch it from the worker that has it; the job's folder is the
// shared one and ends with only the final mr-out files. The kit's drivers
// record on whose disk every intermediate file a worker opens lies, and
// every call a worker sends to another: the checks below read that record,
// not a poll of the folders.

import * as fs from 'fs';
import { fail, TestFailure } from '../../../core/outcome';
import type { Proc } from '../../../core/processes';
import { ihash } from '../../../../src/kit/hash';
import { compareCodePoints } from '../../../../src/kit/order';
import { printable } from '../../../../src/main/trace-format';
import { graderFiles } from './checks';
import { at, list, who } from './describe';
import type { Job } from './job';
import { traceLines } from './traces';

/**
 * Runs `body`; when it fails and a worker's output shows it looked for a file
 * that is not on its disk, says where files are in the challenge track.
 */
export async function withChallengeHints(job: Job, body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (err) {
    // A file it tried to open, not a socket it tried to connect to (a killed worker's, in lost-map).
    const lost = job.workers.find((w) => w.tail().some((line) => /no such file or directory, open/.test(line)));
    if (err instanceof TestFailure && lost) {
      throw new TestFailure([
        ...err.notes,
        `hint: ${who(lost)} looked for a file that is not there (its output says ENOENT): in the challenge track each worker runs ` +
          "on a local disk of its own (its current folder), not in the job's folder. Read the inputs from, and write mr-out files to, " +
          "challenge().shared (src/mr/challenge.ts); another worker's intermediate files are not on your disk: fetch them from that worker",
      ]);
    }
    throw err;
  }
}

/** Every intermediate file a worker opened, for reading or under its final name, was on its own disk. */
export function checkLocality(job: Job): void {
  for (const [proc, file] of job.traceFiles) {
    for (const e of traceLines(file)) {
      if ((e.event !== 'read' && e.event !== 'write') || !/^mr-\d+-\d+/.test(String(e.file)) || e.where === 'local')
        continue;
      const where = e.where === 'shared' ? "in the job's shared folder" : "on another worker's disk";
      fail(
        `${who(proc)} opened ${String(e.file)} ${where}, to ${e.event === 'read' ? 'read it' : 'write it'}, at ${at(job, Number(e.time))}: ` +
          "in the challenge track a worker's intermediate files stay on its own disk (its current folder), and a reducer " +
          'fetches the parts it needs from the worker that has them, by RPC (the Worker service of mr.proto)',
      );
    }
  }
}

/**
 * Every worker that ran reduce calls sent at least one call to every other
 * worker that alone finished some map task: each reduce task needs a part of
 * every map task's output, and only that worker has it. (Intermediate files
 * under other names than mr-X-Y, passed through the shared folder, show
 * here.) A map task finished on two workers (a backup, a re-run) may be
 * fetched from either, so it counts for neither.
 */
export function checkFetchedFromEveryMapper(job: Job): void {
  const finished = new Map(job.workers.map((w) => [w, finishedMaps(job, w)]));
  const onlyBy = (w: Proc): string[] =>
    [...finished.get(w)!].filter((m) => job.workers.every((o) => o === w || !finished.get(o)!.has(m)));
  const mappers = job.workers.filter((w) => onlyBy(w).length > 0);
  for (const reducer of job.workers) {
    const lines = traceLines(job.traceFiles.get(reducer)!);
    if (!lines.some((e) => e.event === 'start' && e.phase === 'reduce')) continue;
    const called = new Set(
      lines.filter((e) => e.event === 'call' && typeof e.to === 'string').map((e) => endpointOf(String(e.to))),
    );
    for (const mapper of mappers) {
      const serving = job.disks.get(mapper)?.serveOn;
      if (mapper === reducer || !serving || called.has(serving)) continue;
      fail(
        `${who(reducer)} ran reduce tasks without fetching anything from ${who(mapper)}, which finished the map tasks of ` +
          `${list(onlyBy(mapper).sort(compareCodePoints))}: every reduce task needs its part of each map task's output, ` +
          "and that part is only on the disk of the worker that ran the map; fetch it from that worker's Worker service " +
          `(it serves on challenge().serveOn, here ${serving}), not through the shared folder`,
      );
    }
  }
}

/** An endpoint as a worker may name it: "unix:/path" and "/path" are the same socket. */
function endpointOf(address: string): string {
  return address.replace(/^unix:(\/\/)?/, '');
}

/** After the job, the shared folder holds only the mr-out files (and what the grader put there). */
export function checkSharedFolder(job: Job): void {
  const own = graderFiles(job);
  const outputs = new Set(Array.from({ length: job.nReduce }, (_, r) => `mr-out-${r}`));
  const stray = fs
    .readdirSync(job.dir)
    .filter((n) => !own.has(n) && !outputs.has(n))
    .sort(compareCodePoints)
    .map(printable); // the student names them: a name must not start a console line of its own
  if (stray.length === 0) return;
  fail(
    `the job's shared folder holds ${list(stray.slice(0, 5))}${stray.length > 5 ? `, and ${stray.length - 5} more` : ''} after the job: ` +
      'in the challenge track it holds only the inputs and the final mr-out files; intermediate and temporary files belong on ' +
      "each worker's own disk (its current folder)",
  );
}

/** In a job with no failure and no straggler, each map task and each reduce task ran on one worker only. */
export function checkNoTaskTwice(job: Job): void {
  const ranOn = new Map<string, Map<Proc, number>>(); // task -> worker -> when it first started there
  for (const [proc, file] of job.traceFiles) {
    for (const e of traceLines(file)) {
      if (e.event !== 'start' || typeof e.input !== 'string') continue;
      const task = e.phase === 'map' ? `the map task of ${e.input}` : `reduce task ${ihash(e.input) % job.nReduce}`;
      const on = ranOn.get(task) ?? new Map<Proc, number>();
      if (!on.has(proc)) on.set(proc, Number(e.time));
      ranOn.set(task, on);
    }
  }
  for (const [task, on] of ranOn) {
    if (on.size < 2) continue;
    fail(
      `${task} ran on ${on.size} workers (${[...on].map(([p, t]) => `${who(p)} at ${at(job, t)}`).join(', ')}) in a job with no failure and no straggler: ` +
        'a backup copy is for the end of a phase only, when nothing is left to hand out and a task has run far longer than its finished siblings',
    );
  }
}

/** The inputs of the map calls `proc` ran to their end. */
export function finishedMaps(job: Job, proc: Proc): Set<string> {
  const maps = new Set<string>();
  for (const e of traceLines(job.traceFiles.get(proc)!)) {
    if (e.event === 'end' && e.phase === 'map' && e.outcome === 'ok' && typeof e.input === 'string') maps.add(e.input);
  }
  return maps;
}
