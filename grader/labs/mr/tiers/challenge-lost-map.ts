// The challenge track's lost map output (--challenge): once every map task
// is done and before any reducer has fetched, the worker holding the most
// finished map tasks dies with its local disk. The job must run again
// exactly the map tasks whose output went with that disk, and no finished
// reduce task. The grader holds the workers at that moment with a forced
// schedule (harness/stage.ts).

import * as fs from 'fs';
import { fail } from '../../../core/outcome';
import type { Proc } from '../../../core/processes';
import { ihash } from '../../../../src/kit/hash';
import { compareCodePoints } from '../../../../src/kit/order';
import { checkLocality, finishedMaps, withChallengeHints } from '../harness/challenge-checks';
import { checkNoWorkerFailed, checkSameAsSequential } from '../harness/checks';
import { at, list, who } from '../harness/describe';
import type { Job } from '../harness/job';
import { defineTests } from '../harness/spec';
import { type Stage, withStage } from '../harness/stage';
import { traceLines } from '../harness/traces';

const WORKERS = 3;

/** After the first worker is about to fetch, how long the others get to reach that point too before the kill. */
const GATHER_MS = 2_000;
/**
 * After the kill, how long the lost map tasks may go without a start before the test fails: reducers find a dead
 * worker's socket gone at once, or time out a fetch (the reference solution after 10 s), then the coordinator hands
 * the tasks out again; 40 s is generous, and far sooner than the coordinator's 90 s limit.
 */
const RERUN_LIMIT_MS = 40_000;

export const LOST_MAP_TESTS = defineTests([
  // wc, 3 challenge workers, each held before its first fetch from another
  // worker: every map task is done and reduce tasks are running, but no
  // reducer has fetched anything yet. The worker holding the most finished
  // map tasks is killed and its disk removed; no replacement comes. The job
  // must finish with mrsequential's output, having run again exactly the map
  // tasks that worker had finished (none handed to two workers at once: the invariants).
  {
    id: 'lost-map',
    name: 'lost map output',
    app: 'wc',
    limitMs: 90_000,
    run: lostMapOutput,
  },
]);

async function lostMapOutput(job: Job): Promise<void> {
  job.startCoordinator();
  await job.waitListening();
  await withStage(job, async (stage) => {
    for (let i = 0; i < WORKERS; i++) {
      job.startWorker('wc', { MR_HOLD: 'fetch', MR_GATES: job.folders.gateDir() }, { challenge: true });
    }
    await withChallengeHints(job, async () => {
      const first = await stage.until(
        'a worker to be about to fetch from another (every map task done, reduce tasks running)',
        () => stage.holds.find((h) => h.at === 'fetch'),
      );
      const seenAt = Date.now();
      await stage.until('the other workers to reach their first fetch', () =>
        job.workers.every((w) => !w.alive || stage.isHeld(w)) || Date.now() - seenAt > GATHER_MS ? true : undefined,
      );
      stage.tell(`${who(first.proc)} was the first about to fetch from another worker`, first.time);

      const lost = killMostMaps(job, stage);
      await lost.victim.exited; // gone before anyone goes on: a re-run is not a task taken from a live worker
      stage.causes.push(() => neverRunAgain(job, stage, lost));
      stage.pass('fetch', `${who(lost.victim)} is gone`);
      stage.tell('the other workers released: their fetches go on without it');

      const limit = job.scaled(RERUN_LIMIT_MS);
      await job.waitCoordinator(() => (Date.now() - lost.at > limit ? neverRunAgain(job, stage, lost) : undefined));
      checkSameAsSequential(job, 'wc');
      await job.settle();
      checkNoWorkerFailed(job, `only ${who(lost.victim)} was killed`, new Set([lost.victim]));
      checkLocality(job);
      checkRuns(job, lost);
    });
  });
}

/** What the lost-map test killed: the worker, when, and the map tasks whose output went with its disk. */
interface Lost {
  victim: Proc;
  at: number;
  /** Map tasks it had finished and no other worker had: their output was only on its disk. */
  maps: string[];
  /** Reduce tasks whose mr-out file was in the shared folder then: safe, never to run again. */
  reduces: Set<number>;
}

/** Kills the worker that finished the most map tasks, removes its disk, and says what was lost. */
function killMostMaps(job: Job, stage: Stage): Lost {
  const finished = new Map(job.workers.map((w) => [w, finishedMaps(job, w)]));
  const victim = job.workers
    .filter((w) => w.alive)
    .reduce((a, b) => (finished.get(b)!.size > finished.get(a)!.size ? b : a));
  victim.signal('SIGKILL', 'lost-map test: the worker with the most finished map tasks dies, and its disk with it');
  const killedAt = Date.now();
  const disk = job.disks.get(victim);
  if (disk) fs.rmSync(disk.local, { recursive: true, force: true });
  const elsewhere = new Set([...finished].filter(([w]) => w !== victim).flatMap(([, maps]) => [...maps]));
  const maps = [...finished.get(victim)!].filter((m) => !elsewhere.has(m)).sort(compareCodePoints);
  stage.tell(
    `${who(victim)} killed and its local disk removed: it had finished ${maps.length} map task${maps.length === 1 ? '' : 's'} (${maps.join(', ')})`,
    killedAt,
  );
  const reduces = new Set(
    fs
      .readdirSync(job.dir)
      .map((n) => /^mr-out-(\d+)$/.exec(n))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => Number(m[1])),
  );
  return { victim, at: killedAt, maps, reduces };
}

/** Map calls started after `after`, by input: which workers started them. */
function mapStartsAfter(job: Job, after: number): Map<string, Proc[]> {
  const starts = new Map<string, Proc[]>();
  for (const [proc, file] of job.traceFiles) {
    for (const e of traceLines(file)) {
      if (e.event !== 'start' || e.phase !== 'map' || typeof e.input !== 'string' || Number(e.time) < after) continue;
      starts.set(e.input, [...(starts.get(e.input) ?? []), proc]);
    }
  }
  return starts;
}

/** A cause, when the job did not finish: the lost map tasks were never started again. */
function neverRunAgain(job: Job, stage: Stage, lost: Lost): string | undefined {
  const again = mapStartsAfter(job, lost.at);
  const missing = lost.maps.filter((m) => !again.has(m));
  if (missing.length === 0 || job.coordinator?.exit?.code === 0) return undefined;
  return (
    `the map tasks of ${list(missing)} were never run again after ${who(lost.victim)}, which had finished them, was killed at ${at(job, lost.at)}: ` +
    'its disk is gone, and with it their output, which unfinished reduce tasks still need; the coordinator must hand them out again ' +
    '(a reducer that cannot reach a worker should tell the coordinator, and not retry it for ever)'
  );
}

/** The lost map tasks ran again, no other map task did, and no reduce task finished before the kill. */
function checkRuns(job: Job, lost: Lost): void {
  const again = mapStartsAfter(job, lost.at);
  const missing = lost.maps.filter((m) => !again.has(m));
  if (missing.length) {
    fail(
      `the map tasks of ${list(missing)} were not run again after ${who(lost.victim)}, which had finished them, was killed at ${at(job, lost.at)}, ` +
        'yet the job finished: where did their output come from?',
    );
  }
  const extra = [...again.keys()].filter((m) => !lost.maps.includes(m)).sort(compareCodePoints);
  if (extra.length) {
    fail(
      `the map tasks of ${list(extra)} ran again after ${who(lost.victim)} was killed, though their output was safe on a live worker's disk: ` +
        `only the map tasks the lost worker had finished (${list(lost.maps)}) need to run again`,
    );
  }
  for (const [proc, file] of job.traceFiles) {
    const again = traceLines(file).find(
      (e) =>
        e.event === 'start' &&
        e.phase === 'reduce' &&
        typeof e.input === 'string' &&
        Number(e.time) > lost.at &&
        lost.reduces.has(ihash(e.input) % job.nReduce),
    );
    if (again) {
      fail(
        `reduce task ${ihash(String(again.input)) % job.nReduce} ran again on ${who(proc)} at ${at(job, Number(again.time))}, after ${who(lost.victim)} was killed, ` +
          'though its mr-out file was already in the shared folder: a finished reduce task is safe, whoever ran it',
      );
    }
  }
  // A lost task handed to two workers at once (say, reset twice by two reducers' reports) is the invariants' early
  // reassignment; a copy 10 s later is the course's reassignment, or a backup: both allowed.
}
