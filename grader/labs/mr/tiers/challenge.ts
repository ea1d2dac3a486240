// The challenge track (--challenge): the paper's MapReduce. Each worker
// runs on a local disk of its own (mrworker --challenge, src/mr/challenge.ts);
// map output stays there and reducers fetch it from the worker that has it;
// the job's folder is the shared one and ends with only the final mr-out
// files. The kit's drivers record on whose disk every intermediate file a
// worker opens lies, and every call a worker sends to another: the checks
// below read that record, not a poll of the folders.

import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { fail, TestFailure, TestSkipped } from '../../../core/outcome';
import { Job } from '../harness/job';
import { deleteNetnsPair, makeNetnsPair, probeNetns } from '../../../sandbox/netns';
import { checkNoWorkerFailed, checkSameAsSequential, graderFiles } from '../harness/checks';
import { at, list, who } from '../harness/describe';
import { type Stage, withStage } from '../harness/stage';
import { fmtSeconds, Proc, sleep } from '../../../core/processes';
import { traceLines } from '../harness/traces';
import { ihash } from '../../../../src/kit/hash';
import { compareCodePoints } from '../../../../src/kit/order';
import { printable } from '../../../../src/main/trace-format';
import { defineTests } from '../harness/spec';

const WORKERS = 3;
/** After the first worker is about to fetch, how long the others get to reach that point too before the kill. */
const GATHER_MS = 2_000;

export const CHALLENGE_TESTS = defineTests([
  // wc, 3 challenge workers: the output is mrsequential's; every intermediate
  // file a worker opened was on its own disk, every reducer fetched from each
  // worker that ran maps, the shared folder ends with only mr-out files, and
  // no task ran twice (a job with no failure and no straggler needs no backup).
  {
    id: 'shuffle-wc',
    name: 'local shuffle (wc)',
    app: 'wc',
    limitMs: 60_000,
    run: (job) => localShuffle(job, 'wc'),
  },

  // The same with indexer: values are document names, keys are many.
  {
    id: 'shuffle-indexer',
    name: 'local shuffle (indexer)',
    app: 'indexer',
    limitMs: 60_000,
    run: (job) => localShuffle(job, 'indexer'),
  },

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

  // slowwc, 3 challenge workers, twice. First with no straggler: the job's
  // time, and no task runs twice. Then with one: once every map task has
  // been handed out, the first worker whose map call returns is held before
  // its report, and frozen and resumed in bursts, until another copy of its
  // task has been reported. A backup copy must start elsewhere well before
  // the course's 10 s reassignment would start one, and the job must finish
  // within a bound of its time with no straggler (twice it, plus 12 s).
  {
    id: 'straggler',
    name: 'straggler with backups',
    app: 'wc',
    limitMs: 90_000,
    allowsBackups: true,
    run: stragglerWithBackups,
  },

  // wc on two "hosts" (network namespaces joined by a link, sandbox/netns.ts):
  // the coordinator and worker 1 on one, workers 2 and 3 on the other. The
  // workers serve each other over TCP, with the run's token. The output is
  // mrsequential's, every intermediate file a worker opened was on its own
  // disk, and every reducer fetched from each worker that ran maps: across
  // the link where they are on different hosts. Skipped, saying why, where
  // namespaces cannot be made (they need root and iproute2).
  {
    id: 'two-hosts',
    name: 'two hosts',
    app: 'wc',
    limitMs: 60_000,
    run: twoHosts,
  },
]);

async function localShuffle(job: Job, app: string): Promise<void> {
  job.startCoordinator();
  await job.waitListening();
  for (let i = 0; i < WORKERS; i++) job.startWorker(app, {}, { challenge: true });
  await withChallengeHints(job, async () => {
    await job.waitCoordinator();
    checkLocality(job);
    checkSameAsSequential(job, app);
    await job.settle();
  });
  checkNoWorkerFailed(job, 'nothing crashes in it');
  checkNoTaskTwice(job); // first: a task run twice also leaves a copy no reducer needed to fetch
  checkFetchedFromEveryMapper(job);
  checkSharedFolder(job);
}

async function lostMapOutput(job: Job): Promise<void> {
  job.startCoordinator();
  await job.waitListening();
  await withStage(job, async (stage) => {
    for (let i = 0; i < WORKERS; i++) {
      job.startWorker('wc', { MR_HOLD: 'fetch', MR_GATES: job.gateDir() }, { challenge: true });
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

      await job.waitCoordinator();
      checkSameAsSequential(job, 'wc');
      await job.settle();
      checkNoWorkerFailed(job, `only ${who(lost.victim)} was killed`, new Set([lost.victim]));
      checkLocality(job);
      checkRuns(job, lost);
    });
  });
}

/** The ports of the two-hosts test: each host is a namespace of its own, so no other program can hold them. */
const COORDINATOR_PORT = 7777;
const WORKER_PORT = 7800; // + the worker's number

async function twoHosts(job: Job): Promise<void> {
  const why = probeNetns();
  if (why) throw new TestSkipped(`skipped: the two hosts are network namespaces, and ${why}`);
  const lane = job.ctx.lane;
  const hosts = makeNetnsPair(`ha${lane}`, `hb${lane}`, '10.213.0', 0);
  for (const ns of [hosts.a, hosts.b]) job.ctx.wall.tell({ netns: ns });
  try {
    const token = crypto.randomBytes(16).toString('hex');
    job.startCoordinator({
      endpoint: `${hosts.addressA}:${COORDINATOR_PORT}`,
      host: hosts.a,
      env: { MR_TOKEN: token },
    });
    await job.waitListening();
    const placement = [hosts.a, hosts.b, hosts.b];
    const addresses = [hosts.addressA, hosts.addressB, hosts.addressB];
    for (let i = 0; i < WORKERS; i++) {
      job.startWorker(
        'wc',
        { MR_TOKEN: token },
        { challenge: true, host: placement[i], serveOn: `${addresses[i]}:${WORKER_PORT + i + 1}` },
      );
    }
    await withChallengeHints(job, async () => {
      await job.waitCoordinator();
      checkLocality(job);
      checkSameAsSequential(job, 'wc');
      await job.settle();
    });
    checkNoWorkerFailed(job, 'nothing crashes in it');
    checkFetchedFromEveryMapper(job);
  } finally {
    await job.stop(); // no process may be left in a namespace when it goes
    deleteNetnsPair(hosts);
    for (const ns of [hosts.a, hosts.b]) job.ctx.wall.tell({ forgetNetns: ns });
  }
}

/** A backup copy of the straggler's task must start this soon after the straggler started it (the course reassigns after 10 s). */
const BACKUP_LIMIT_MS = 8_500;
/**
 * The job with a straggler may take twice as long as the job with none, plus
 * this (scaled by --timeout-scale): a backup copy costs about one map task
 * after the 5 s or so it waits, and a loaded machine slows the whole second
 * job, not only the straggler's part. A job that waits for the straggler's
 * own copy never ends: it is held until another copy is reported.
 */
const STRAGGLER_BOUND_MS = 12_000;
/** The straggler's bursts: frozen this long, then running this long. */
const FROZEN_MS = 2_000;
const RUNNING_MS = 100;

async function stragglerWithBackups(job: Job): Promise<void> {
  const alone = await timeWithoutStraggler(job);
  await withStage(job, async (stage) => {
    job.startCoordinator();
    await job.waitListening();
    const listening = Date.now();
    for (let i = 0; i < WORKERS; i++) job.startWorker('slowwc', { MR_GATES: job.gateDir() }, { challenge: true });
    stage.tell(`the same job without a straggler took ${fmtSeconds(alone)}`, listening);
    const slow = await chooseStraggler(job, stage);
    stage.tell(
      `${who(slow.proc)} started the map of ${slow.input}, a call that returned after every map task had been handed out: ` +
        'it is the straggler, held before its report, and frozen and resumed in bursts',
      slow.time,
    );
    stage.causes.push(() => noBackup(job, stage, slow));
    const bursts = new Bursts(slow.proc);
    try {
      const copy = await stage.until(`another copy of the map task of ${slow.input} to be reported`, () =>
        stage.ranElsewhere('map', slow.input, slow.proc),
      );
      stage.tell(`${who(copy.proc)} reported its copy of the map task of ${slow.input}`, copy.time);
    } finally {
      await bursts.stop();
      for (const input of job.ctx.inputs) stage.disarm('map-report', input, 'another copy has been reported');
    }
    await job.waitCoordinator();
    const took = job.coordinator!.exit!.at - listening;
    checkSameAsSequential(job, 'wc', 'slowwc');
    await job.settle();
    checkNoWorkerFailed(job, 'the straggler is slow, not dead');
    const cause = noBackup(job, stage, slow);
    if (cause) fail(cause);
    const bound = 2 * alone + STRAGGLER_BOUND_MS * Math.max(1, job.ctx.scale);
    if (took > bound) {
      fail(
        `the job with a straggler took ${fmtSeconds(took)}, more than ${fmtSeconds(bound)} (twice the ${fmtSeconds(alone)} of the same job ` +
          `without one, plus ${fmtSeconds(bound - 2 * alone)}): a backup copy of the straggler's task should end the job soon after the other tasks`,
      );
    }
  });
}

/** The same job with no straggler: its time (from listening to exit), and no task runs twice. */
async function timeWithoutStraggler(job: Job): Promise<number> {
  const dir = path.join(job.dir, 'without-straggler');
  fs.mkdirSync(dir);
  const alone = new Job(job.ctx, dir, { limitMs: job.limitMs, foreignTmp: job.foreignTmp });
  try {
    alone.startCoordinator({ inputs: job.ctx.inputs.map((input) => path.join('..', input)) }); // one folder deeper
    await alone.waitListening();
    const listening = Date.now();
    for (let i = 0; i < WORKERS; i++) alone.startWorker('slowwc', {}, { challenge: true });
    await alone.waitCoordinator();
    const took = alone.coordinator!.exit!.at - listening;
    checkSameAsSequential(alone, 'wc', 'slowwc');
    await alone.settle();
    checkNoTaskTwice(alone);
    return took;
  } catch (err) {
    if (err instanceof TestFailure)
      throw new TestFailure([`without a straggler: ${err.notes[0]}`, ...err.notes.slice(1)]);
    throw err;
  } finally {
    await alone.stop();
  }
}

/** The straggler: a worker whose map call returned after every map task had been handed out, held before its report. */
interface Straggler {
  proc: Proc;
  input: string;
  time: number; // when it started that map call
}

/**
 * Arms `map-report` on every input, so that each worker holds once its map
 * call has returned, before it reports the task. The grader lets each go at
 * once, until every map task has been handed out: the first worker to hold
 * after that stays held, a straggler whose task is done but never reported.
 * (No race: the worker cannot get past its hold before the grader sees it.)
 */
async function chooseStraggler(job: Job, stage: Stage): Promise<Straggler> {
  let slow: Straggler | undefined;
  for (const input of job.ctx.inputs) stage.arm('map-report', input);
  stage.passAll((h) => {
    if (h.at !== 'map-report') return false;
    if (slow) return h.proc !== slow.proc;
    const started = mapStarts(job);
    if (started.inputs < job.ctx.inputs.length || h.input === undefined) return true;
    slow = { proc: h.proc, input: h.input, time: started.at.get(`${h.proc.pid} ${h.input}`) ?? h.time };
    return false;
  }, 'it is not the straggler');
  return stage.until('a worker to finish a map call once every map task has been handed out', () => slow);
}

/** When each worker started each map call ("<pid> <input>" -> time), and how many inputs have been started. */
function mapStarts(job: Job): { at: Map<string, number>; inputs: number } {
  const at = new Map<string, number>();
  const inputs = new Set<string>();
  for (const [proc, file] of job.traceFiles) {
    for (const e of traceLines(file)) {
      if (e.event !== 'start' || e.phase !== 'map' || typeof e.input !== 'string') continue;
      inputs.add(e.input);
      if (!at.has(`${proc.pid} ${e.input}`)) at.set(`${proc.pid} ${e.input}`, Number(e.time));
    }
  }
  return { at, inputs: inputs.size };
}

/** A cause: no copy of the straggler's task started elsewhere soon enough. */
function noBackup(job: Job, stage: Stage, slow: Straggler): string | undefined {
  const copy = stage.startedMap(slow.input, slow.proc)[0];
  const after = copy ? copy.time - slow.time : Date.now() - slow.time;
  if (after <= BACKUP_LIMIT_MS) return undefined;
  if (!copy && job.coordinator?.alive) return undefined; // not yet: the test waits on
  return (
    `no backup copy of the map task of ${slow.input}: ${who(slow.proc)} started it at ${at(job, slow.time)} and was then a straggler ` +
    `(frozen and resumed in bursts), and ${copy ? `another copy started only ${fmtSeconds(after)} later, on ${who(copy.proc)}` : 'no other copy ever started'}. ` +
    'Near the end of a phase, when nothing is left to hand out and a task has run far longer than its finished siblings, give it a backup copy on an idle worker (well before the 10 s reassignment); whichever copy reports first wins'
  );
}

/** Freezes a process and resumes it for a moment, over and over, until stopped. */
class Bursts {
  private stopping?: () => void;
  private readonly stopped = new Promise<void>((resolve) => (this.stopping = resolve));
  private readonly loop: Promise<void>;

  constructor(private readonly proc: Proc) {
    this.loop = this.run();
  }

  private async run(): Promise<void> {
    let over = false;
    void this.stopped.then(() => (over = true));
    while (!over && this.proc.alive) {
      this.proc.signal('SIGSTOP', 'straggler test: frozen');
      await Promise.race([sleep(FROZEN_MS), this.stopped]);
      this.proc.signal('SIGCONT', over ? 'straggler test: let go' : 'straggler test: resumed for a moment');
      if (!over) await Promise.race([sleep(RUNNING_MS), this.stopped]);
    }
  }

  async stop(): Promise<void> {
    this.stopping!();
    await this.loop; // it ends on a SIGCONT: the process runs on
  }
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

/** The inputs of the map calls `proc` ran to their end. */
function finishedMaps(job: Job, proc: Proc): Set<string> {
  const maps = new Set<string>();
  for (const e of traceLines(job.traceFiles.get(proc)!)) {
    if (e.event === 'end' && e.phase === 'map' && e.outcome === 'ok' && typeof e.input === 'string') maps.add(e.input);
  }
  return maps;
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

/**
 * Runs `body`; when it fails and a worker's output shows it looked for a file
 * that is not on its disk, says where files are in the challenge track.
 */
async function withChallengeHints(job: Job, body: () => Promise<void>): Promise<void> {
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
function checkLocality(job: Job): void {
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
function checkFetchedFromEveryMapper(job: Job): void {
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
function checkSharedFolder(job: Job): void {
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
function checkNoTaskTwice(job: Job): void {
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
