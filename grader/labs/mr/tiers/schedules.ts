// The forced schedules (extended tier): the rare interleavings that break a
// coordinator or worker which looks right, staged on purpose instead of left
// to luck. Workers hold at exact points of their work (src/main/holds.ts);
// the grader follows their traces and releases each hold when the schedule
// says. Nothing here waits for a fixed time: each step waits for an event in
// a trace (the 10 s reassignment is the coordinator's, as the rules define).
// Every test ends the same way: the job finishes, its output equals
// mrsequential's, and no worker fails.

import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { INPUT_DIR, sequentialOutput } from './data';
import { scheduleInputs, writeInputs } from '../harness/generated-inputs';
import { fail, indent, Job, TestFailure } from '../harness/job';
import { ihash } from '../../../../src/kit/hash';
import { quote } from '../harness/output';
import { fmtSeconds, Proc, sleep } from '../../../core/processes';
import { traceLines } from '../harness/traces';
import type { HoldPoint, Phase } from '../../../../src/kit/trace-format';
import { checkSameOutput } from './course';
import { defineTests } from '../harness/spec';
import { cpuCapacity, cpuTimeMs, runnableMs } from '../harness/cpu';

type Point = HoldPoint;

/** The longest one step waits for its event: a re-run comes after the coordinator's 10 s, plus a loaded machine's delays. */
const STEP_LIMIT_MS = 40_000;
const POLL_MS = 50;
const HERD = 8;
const FILES = 8; // map tasks of the jobs with more than one

/** A worker held at a point of its work. */
interface Hold {
  proc: Proc;
  pid: number;
  n: number;
  at: Point;
  phase?: Phase;
  input?: string;
  time: number;
  releasedAt?: number;
}

/** One line of a worker's trace, with the worker. */
interface Seen {
  proc: Proc;
  e: Record<string, unknown>;
  index: number; // its place in the worker's trace
}

/** The grader's side of a forced schedule: starts held workers, follows the holds, arms and releases them. */
export class Stage {
  /** What the schedule did, in order: added to a failure's diagnosis. */
  readonly story: string[] = [];
  /** Checks that name the cause of a failure this schedule provokes, in a line: run first when the test fails, and at its end. */
  readonly causes: Array<() => string | undefined> = [];
  /** As causes, but only read when the test has failed otherwise: what they see may be fine in a passing run. */
  readonly hints: Array<() => string | undefined> = [];
  readonly holds: Hold[] = [];
  private readonly seenHolds = new Map<Proc, number>();
  /** Holds to release as soon as they are seen: the schedule is past them (and why). */
  private readonly passed: Array<{ matches: (h: Hold) => boolean; why: string }> = [];
  private readonly ticker: NodeJS.Timeout;

  constructor(readonly job: Job) {
    this.ticker = setInterval(() => this.scan(), POLL_MS);
  }

  close(): void {
    clearInterval(this.ticker);
  }

  /** A wc worker that holds once at each of `points`. */
  worker(points: Point[] = []): Proc {
    return this.job.startWorker('wc', { MR_HOLD: points.join(','), MR_GATES: this.job.gateDir() });
  }

  /** Every line of every worker's trace (the inputs are small: a few hundred keys). */
  lines(proc?: Proc): Seen[] {
    const seen: Seen[] = [];
    for (const [p, file] of this.job.traceFiles) {
      if (proc && p !== proc) continue;
      traceLines(file).forEach((e, index) => seen.push({ proc: p, e, index }));
    }
    return seen;
  }

  /** Notes new holds (drawn on the timeline); releases at once those at a point the schedule is past. */
  scan(): void {
    for (const [proc] of this.job.traceFiles) {
      const held = this.lines(proc).filter((s) => s.e.event === 'held' && typeof s.e.n === 'number');
      for (const { e } of held.slice(this.seenHolds.get(proc) ?? 0)) {
        const h: Hold = {
          proc,
          pid: Number(e.pid),
          n: Number(e.n),
          at: String(e.at) as Point,
          phase: e.phase as Phase | undefined,
          input: typeof e.input === 'string' ? e.input : undefined,
          time: Number(e.time),
        };
        this.holds.push(h);
        proc.signals.push({ signal: 'SIGSTOP', at: h.time, why: `forced schedule: ${this.where(h)}`, staged: true });
        const past = this.passed.find((p) => p.matches(h));
        if (past) this.release(h, past.why);
        else if (h.at !== 'call') this.tell(this.where(h), h.time); // a hold let go at once is no step of the story
      }
      this.seenHolds.set(proc, held.length);
    }
  }

  /** Arms `point` on `input` for every worker (the file holds.ts looks for). */
  arm(point: Point, input: string): void {
    fs.writeFileSync(this.gate(point, input), '');
  }

  /** Disarms it, and releases whoever is held there now or is about to be (but `keep`, held there for a reason of its own). */
  disarm(point: Point, input: string, why: string, keep?: Proc): void {
    fs.rmSync(this.gate(point, input), { force: true });
    this.passAll(
      (h) => h.proc !== keep && (h.at === `${point}@${input}` || (h.at === point && h.input === input)),
      why,
    );
  }

  /** The schedule is past `point` (with or without "@input"): release everyone held there, now and later. */
  pass(point: string, why: string): void {
    this.passAll((h) => h.at === point || `${h.at}@${h.input}` === point, why);
  }

  /** Releases every hold that `matches`, now and later. */
  passAll(matches: (h: Hold) => boolean, why: string): void {
    this.passed.push({ matches, why });
    this.scan();
    for (const h of this.holds) if (matches(h)) this.release(h, why);
  }

  /**
   * Every worker holds at `point` once; the first to get there is the one
   * the schedule needs, and the others are let go at once. (Which worker
   * gets a reduce task first, or any, is the coordinator's choice.)
   */
  async first(point: Point): Promise<Hold> {
    const h = await this.until(`a worker to reach ${point}`, () => this.holds.find((x) => x.at === point));
    this.passAll((x) => x.at === point && x !== h, `another worker is the one held at ${point}`);
    return h;
  }

  release(h: Hold, why: string): void {
    if (h.releasedAt !== undefined) return;
    h.releasedAt = Date.now();
    const file = path.join(this.job.gateDir(), `release-${h.pid}-${h.n}`);
    fs.writeFileSync(file, '');
    h.proc.signals.push({ signal: 'SIGCONT', at: h.releasedAt, why: `forced schedule: ${why}`, staged: true });
  }

  tell(line: string, time = Date.now()): void {
    this.story.push(`${at(this.job, time)}: ${line}`);
  }

  /** Held now: a hold not yet released. */
  isHeld(proc: Proc): boolean {
    return this.holds.some((h) => h.proc === proc && h.releasedAt === undefined);
  }

  where(h: Hold): string {
    const on =
      h.phase === 'map'
        ? `the map of ${h.input}`
        : h.phase === 'reduce'
          ? `the reduce of key ${quote(h.input)} (reduce task ${ihash(h.input ?? '') % this.job.nReduce})`
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

  /**
   * Waits until `find` returns something, polling the traces. Fails when the
   * job can no longer make it happen: the coordinator exited, or the step
   * took longer than STEP_LIMIT_MS (scaled).
   */
  async until<T>(what: string, find: () => T | undefined): Promise<T> {
    const limit = STEP_LIMIT_MS * Math.max(1, this.job.ctx.scale);
    const deadline = Date.now() + limit;
    const c = this.job.coordinator!;
    for (;;) {
      this.scan();
      const found = find();
      if (found !== undefined) return found;
      if (!c.alive)
        fail(
          `the coordinator (pid ${c.pid}) ${c.describeExit()} at ${at(this.job, c.exit!.at)}, while the schedule waited for ${what}`,
        );
      const free = this.job.workers.filter((w) => !this.isHeld(w));
      if (free.length && free.every((w) => !w.alive)) {
        const last = free.reduce((a, b) => (b.exit!.at > a.exit!.at ? b : a));
        fail(
          `every worker the schedule does not hold has exited (statuses ${free.map((w) => w.exit!.code ?? w.exit!.signal).join(', ')}), ` +
            `while it waited for ${what}; ${who(last)}'s last output:`,
          ...indent(last.tail()),
        );
      }
      if (Date.now() > deadline) fail(`the schedule waited ${fmtSeconds(limit)} for ${what}, in vain`);
      await sleep(POLL_MS);
    }
  }

  /** Waits for `proc`'s hold at `point`. */
  async held(proc: Proc, point: Point): Promise<Hold> {
    return this.until(`${who(proc)} to reach its hold (${point})`, () => {
      const h = this.holds.find((x) => x.proc === proc && x.at === point);
      if (h) return h;
      if (!proc.alive)
        fail(
          `${who(proc)} ${proc.describeExit()} before the schedule could hold it (${point}); its last output:`,
          ...indent(proc.tail()),
        );
      return undefined;
    });
  }

  /**
   * Another worker than `not` ran the call of `phase` on `input` to its end
   * and then sent an RPC (its report): the task was re-run and finished.
   */
  ranElsewhere(phase: Phase, input: string, not: Proc): { proc: Proc; time: number } | undefined {
    for (const [proc] of this.job.traceFiles) {
      if (proc === not) continue;
      const lines = this.lines(proc);
      const end = lines.findIndex(
        (s) => s.e.event === 'end' && s.e.phase === phase && s.e.input === input && s.e.outcome === 'ok',
      );
      if (end < 0) continue;
      const report = lines.slice(end).find((s) => s.e.event === 'call');
      if (report) return { proc, time: Number(report.e.time) };
    }
    return undefined;
  }

  /** The time of `proc`'s first RPC after `after` (ms since the epoch), if any; with `reply`, of the answer to it. */
  rpcAfter(proc: Proc, after: number, nth = 1, reply = false): number | undefined {
    const calls = this.lines(proc).filter((s) => s.e.event === 'call' && Number(s.e.time) >= after);
    const call = calls[nth - 1];
    if (!call || !reply) return call && Number(call.e.time);
    const answer = this.lines(proc).find((s) => s.index > call.index && s.e.event === 'reply');
    return answer && Number(answer.e.time);
  }

  /** When the first call of `phase` on `input` ended well, on any worker. */
  firstEnd(phase: Phase, input: string): number | undefined {
    const ends = this.lines().filter(
      (s) => s.e.event === 'end' && s.e.phase === phase && s.e.input === input && s.e.outcome === 'ok',
    );
    return ends.length ? Math.min(...ends.map((s) => Number(s.e.time))) : undefined;
  }

  /** The first sign of a reduce task on any worker: an intermediate file opened to read, or a reduce call. */
  firstReduce(): { proc: Proc; time: number; what: string } | undefined {
    const signs = this.lines().filter((s) => s.e.event === 'read' || (s.e.event === 'start' && s.e.phase === 'reduce'));
    const first = signs.reduce<Seen | undefined>(
      (a, b) => (!a || Number(b.e.time) < Number(a.e.time) ? b : a),
      undefined,
    );
    if (!first) return undefined;
    const what =
      first.e.event === 'read'
        ? `it opened ${String(first.e.file)}`
        : `a reduce call on key ${quote(String(first.e.input))}`;
    return { proc: first.proc, time: Number(first.e.time), what };
  }

  /** Workers (other than `not`) that started a map call on `input`. */
  startedMap(input: string, not: Proc): Array<{ proc: Proc; time: number }> {
    const first = new Map<Proc, number>();
    for (const s of this.lines()) {
      if (s.proc === not || s.e.event !== 'start' || s.e.phase !== 'map' || s.e.input !== input) continue;
      if (!first.has(s.proc)) first.set(s.proc, Number(s.e.time));
    }
    return [...first].map(([proc, time]) => ({ proc, time })).sort((a, b) => a.time - b.time);
  }

  private gate(point: Point, input: string): string {
    return path.join(this.job.gateDir(), `${point}@${crypto.createHash('sha1').update(input).digest('hex')}`);
  }
}

export const SCHEDULE_TESTS = defineTests([
  // wc on 8 small files, 3 workers. Worker 1 is held in its first map call
  // until another worker has re-run that task and reported it; then it
  // finishes its copy and reports late. The other two are held before they
  // first read an intermediate file, until the straggler's late copy is
  // written: a late copy that adds to a file (rather than replacing it)
  // doubles the counts that reduce reads.
  {
    id: 'straggler-map',
    name: 'straggler in map',
    limitMs: 90_000,
    async run(job) {
      await staged(job, FILES, async (stage) => {
        const straggler = stage.worker(['map']);
        const held = await stage.held(straggler, 'map');
        const others = [stage.worker(['read']), stage.worker(['read'])];
        await checkIdleCpu(stage, others, held);
        const rerun = await stage.until(
          `the map task of ${held.input} to be re-run by another worker and reported`,
          () => {
            const r = stage.ranElsewhere('map', held.input!, straggler);
            if (r) return r;
            // Every other worker still running went on to reduce (held before it read): none is left to re-run the map.
            const running = others.filter((w) => w.alive);
            const stuck =
              running.length > 0 &&
              running.every((w) => stage.holds.some((h) => h.proc === w && h.at === 'read' && !h.releasedAt));
            if (stuck)
              fail(
                `every other worker went on to read intermediate files (reduce) while the map task of ${held.input} was unfinished: no reduce task may start before every map task is done`,
              );
            return undefined;
          },
        );
        stage.tell(`${who(rerun.proc)} re-ran the map of ${held.input} and reported it`);
        stage.release(held, `its task was re-run by ${who(rerun.proc)}`);
        stage.tell(`${who(straggler)} released: it finishes its copy of the map of ${held.input} and reports late`);
        const released = held.releasedAt!;
        await stage.until(
          `${who(straggler)} to finish its late map of ${held.input} and send its report`,
          () => stage.rpcAfter(straggler, released) ?? (straggler.alive ? undefined : released),
        );
        stage.tell(`${who(straggler)} sent its late report; the other workers may read intermediate files now`);
        stage.pass('read', "the straggler's late copy is written");
      });
    },
  },

  // wc on 8 small files, 3 workers. The first worker to start a reduce call
  // is held in it until another worker has re-run that reduce task to its
  // end (and is held before reporting it); then the first finishes its copy,
  // writes its output and reports first, and the re-run's report comes after.
  {
    id: 'straggler-reduce',
    name: 'straggler in reduce',
    limitMs: 90_000,
    async run(job) {
      await staged(job, FILES, async (stage) => {
        for (let i = 0; i < 3; i++) stage.worker(['reduce']);
        const held = await stage.first('reduce');
        const straggler = held.proc;
        const task = `reduce task ${ihash(held.input!) % job.nReduce}`;
        stage.arm('reduce-report', held.input!);
        const rerun = await stage.until(`${task} to be re-run by another worker`, () =>
          stage.holds.find((h) => h.at === 'reduce-report' && h.input === held.input && h.proc !== straggler),
        );
        stage.tell(`${who(rerun.proc)} re-ran ${task}; it is held before reporting it`);
        stage.disarm('reduce-report', held.input!, 'armed for the re-run only');
        stage.release(held, `${task} was re-run by ${who(rerun.proc)}`);
        stage.tell(`${who(straggler)} released: it finishes its copy of ${task}, writes it, and reports`);
        const released = held.releasedAt!;
        await stage.until(
          `${who(straggler)} to finish its late copy of ${task} and send its report`,
          () => stage.rpcAfter(straggler, released) ?? (straggler.alive ? undefined : released),
        );
        stage.release(rerun, 'the straggler has written its copy');
        stage.tell(`${who(rerun.proc)} released: its report of ${task} arrives after the straggler's`);
      });
    },
  },

  // wc on 8 small files, 3 workers. Worker 1 is held after its first map
  // returned (its output written, its report not sent) until the task has
  // been re-run and reported elsewhere; meanwhile another map task stays
  // unfinished (worker 2 is held in it, and so is whoever re-runs it). So
  // worker 1's report arrives late, while a map task is still to be done:
  // counted as a new completion, it would start the reduce phase too early.
  // Then the first worker to finish a reduce task is held before reporting
  // it, until that task has been re-run (its intermediate files must still
  // be there) and reported; its report arrives late too.
  {
    id: 'late-report',
    name: 'late report',
    limitMs: 90_000,
    async run(job) {
      await staged(job, FILES, async (stage) => {
        const late = stage.worker(['map-report', 'reduce-report']);
        const heldMap = await stage.held(late, 'map-report');
        const slow = stage.worker(['map', 'reduce-report']);
        const heldOther = await stage.held(slow, 'map');
        stage.arm('map', heldOther.input!); // its re-run is held too: that map task stays unfinished
        stage.causes.push(() => {
          const done = stage.firstEnd('map', heldOther.input!);
          const early = stage.firstReduce();
          if (!early || (done !== undefined && early.time >= done)) return undefined;
          return (
            `a reduce task started on ${who(early.proc)} at ${at(job, early.time)} (${early.what}), while the map task of ${heldOther.input} was unfinished, ` +
            `after ${who(late)} reported the map of ${heldMap.input} late (it had been re-run and reported already): ` +
            'a late report of a finished task must not count it as finished again'
          );
        });
        stage.worker(['reduce-report']);
        const rerun = await stage.until(
          `the map task of ${heldMap.input} to be re-run by another worker and reported`,
          () => stage.ranElsewhere('map', heldMap.input!, late),
        );
        stage.tell(`${who(rerun.proc)} re-ran the map of ${heldMap.input} and reported it`);
        stage.release(heldMap, `its task was re-run by ${who(rerun.proc)}`);
        stage.tell(
          `${who(late)} released: its report of the map of ${heldMap.input} arrives late, with the map of ${heldOther.input} unfinished`,
        );
        const released = heldMap.releasedAt!;
        await stage.until(`${who(late)} to send its late report and be answered when it asks for more work`, () => {
          if (!late.alive) return released;
          if (stage.holds.some((h) => h.proc === late && h.time > released)) return released; // handed the unfinished map: held in it
          return stage.rpcAfter(late, released, 2, true);
        });
        stage.tell(
          `${who(late)}'s late report was taken and it asked for more work; the map of ${heldOther.input} may finish now`,
        );
        stage.disarm('map', heldOther.input!, 'its map task may finish now');

        const heldReduce = await stage.first('reduce-report');
        const third = heldReduce.proc;
        const y = ihash(heldReduce.input!) % job.nReduce;
        const task = `reduce task ${y}`;
        stage.hints.push(() => {
          // The files the first attempt read: a re-run needs them all again. (A
          // coordinator may remove them once the job is done: only a failure asks.)
          const read = new Set(
            stage
              .lines(third)
              .filter((l) => l.e.event === 'read')
              .map((l) => String(l.e.file)),
          );
          const gone = [...read].filter((name) => !fs.existsSync(path.join(job.dir, name)));
          if (gone.length === 0) return undefined;
          return (
            `${task} was re-run after ${who(third)} had completed it (its report came late), but ${gone.length} of the ${read.size} intermediate files ` +
            `it had read were gone (${gone.slice(0, 3).join(', ')}${gone.length > 3 ? ', ...' : ''}): ` +
            'a worker must not delete intermediate files that a re-run of the task may need'
          );
        });
        const redo = await stage.until(`${task} to be re-run by another worker and reported`, () =>
          stage.ranElsewhere('reduce', heldReduce.input!, third),
        );
        stage.tell(`${who(redo.proc)} re-ran ${task}, which ${who(third)} had completed, and reported it`);
        stage.release(heldReduce, `its task was re-run by ${who(redo.proc)}`);
        stage.tell(`${who(third)} released: its report of ${task} arrives late`);
      });
    },
  },

  // wc on one small file, 9 workers. Worker 1 is held in the only map task;
  // eight more are held before their first RPC, then released at one
  // instant, so they ask for work together and keep asking together until
  // the map task is handed out again (after 10 s). Exactly one of them may
  // get it.
  {
    id: 'herd',
    name: 'thundering herd',
    limitMs: 90_000,
    async run(job) {
      await staged(job, 1, async (stage) => {
        const straggler = stage.worker(['map']);
        const first = await stage.held(straggler, 'map');
        const herd = Array.from({ length: HERD }, () => stage.worker(['call']));
        await stage.until(`all ${HERD} workers of the herd to be held before their first RPC`, () => {
          const gone = herd.find((w) => !w.alive);
          if (gone)
            fail(`${who(gone)} ${gone.describeExit()} before its first RPC; its last output:`, ...indent(gone.tail()));
          return herd.every((w) => stage.holds.some((h) => h.proc === w && h.at === 'call')) || undefined;
        });
        stage.pass('call', 'the herd asks for work at one instant');
        stage.tell(`the ${HERD} workers of the herd released at one instant`);
        const rerun = await stage.until(
          `the map task of ${first.input} to be re-run by a worker of the herd and reported`,
          () => stage.ranElsewhere('map', first.input!, straggler),
        );
        stage.release(first, `its task was re-run by ${who(rerun.proc)}`);
        stage.tell(`${who(straggler)} released after ${who(rerun.proc)} re-ran its map task`);
        const takers = stage.startedMap(first.input!, straggler);
        if (takers.length > 1) {
          fail(
            `the map task of ${first.input} went to ${takers.length} workers of the herd at once: ` +
              takers.map((t) => `${who(t.proc)} at ${at(job, t.time)}`).join(', '),
            'when several workers ask at the same moment, exactly one may get a task: find an idle task and mark it running ' +
              'in one step, with no await in between (and do not hand one freed task to every waiting request)',
          );
        }
      });
    },
  },
]);

/**
 * Runs a forced schedule on `files` generated inputs: writes them, computes
 * mrsequential's wc output, starts the coordinator, runs `schedule`, then
 * waits for the job and checks it. A failure tells what the schedule did.
 */
async function staged(job: Job, files: number, schedule: (stage: Stage) => Promise<void>): Promise<void> {
  const inputs = writeInputs(path.join(job.dir, INPUT_DIR), scheduleInputs(files), INPUT_DIR);
  const expected = await sequentialOutput(job, 'wc', inputs);
  job.artifact('mr-correct-wc-generated.txt', expected);
  await withStage(job, async (stage) => {
    job.startCoordinator({ inputs });
    await job.waitListening();
    await schedule(stage);
    await job.waitCoordinator();
    for (const h of stage.holds) stage.release(h, 'the job is over'); // none is left held in a passing run
    checkSameOutput(job, expected, 'wc on the generated inputs');
    await job.settle();
    const cause = causeOf(stage.causes);
    if (cause) fail(cause);
    checkNoWorkerFailed(job, 'nothing crashes in it');
  });
}

/**
 * Runs `body` with a Stage of `job`. A failure names the cause the stage's
 * checks see first, and tells what the schedule did; whatever happens, the
 * story is kept (schedule.txt) and every hold is released.
 */
export async function withStage(job: Job, body: (stage: Stage) => Promise<void>): Promise<void> {
  const stage = new Stage(job);
  try {
    await body(stage);
  } catch (err) {
    if (err instanceof TestFailure) {
      const cause = causeOf([...stage.causes, ...stage.hints]);
      const notes = cause && !err.notes.includes(cause) ? [cause, ...err.notes] : err.notes;
      const story = stage.story.length ? ['what the forced schedule did:', ...stage.story.map((l) => `  ${l}`)] : [];
      throw new TestFailure([...notes, ...story]);
    }
    throw err;
  } finally {
    job.artifact('schedule.txt', stage.story); // in the kept folder (--keep, --trace): what the schedule did
    stage.close();
    for (const h of stage.holds) stage.release(h, 'the test is over');
  }
}

/** Fails on the first of the job's workers that exited with an error: none may in a job where `why`. */
export function checkNoWorkerFailed(job: Job, why: string, except: ReadonlySet<Proc> = new Set()): void {
  const failed = job.workers.find((w) => !except.has(w) && w.exit && w.exit.code !== 0);
  if (failed) {
    fail(
      `${who(failed)} ${failed.describeExit()}: no worker may fail in this job (${why}); its last output:`,
      ...indent(failed.tail()),
    );
  }
}

/** An idle worker may use at most this share of what the machine can run at once (and always 0.1 of a core): a spinning one gets far more, even on a busy machine. */
const IDLE_SHARE = 0.1;
/**
 * ...or wanted the CPU (running, or runnable and waiting for a core) for more
 * than this share of the time: a spinning worker is runnable all the time,
 * however little CPU a starved machine gives it; a waiting one only for its
 * few wake-ups.
 */
const RUNNABLE_SHARE = 0.5;
/** The shortest idle stretch judged: the worker that did not take the re-run is kept without a task this long. */
const IDLE_MIN_MS = 3_000;

/**
 * While the straggler holds its map task, the other workers have nothing to
 * do once every other map task is done, until the task is handed out again
 * (10 s after it first was): they must wait, not spin. Measures their CPU
 * time over that stretch; fails a worker that used more than a tenth of
 * what the machine can run at once (a spinning poll loop takes far more, even on a busy
 * machine; a worker that waits takes next to nothing).
 */
async function checkIdleCpu(stage: Stage, idle: Proc[], held: Hold): Promise<void> {
  const job = stage.job;
  const input = held.input!;
  const from = await stage.until(`the other ${FILES - 1} map tasks to be done`, () => {
    const done = new Set<string>();
    for (const w of idle) {
      const lines = stage.lines(w);
      lines.forEach((l, i) => {
        if (l.e.event !== 'end' || l.e.phase !== 'map' || l.e.input === input) return;
        if (lines.slice(i).some((x) => x.e.event === 'call')) done.add(String(l.e.input)); // and reported
      });
    }
    if (done.size >= FILES - 1 || stage.startedMap(input, held.proc).length) return Date.now();
    if (idle.every((w) => !w.alive)) return Date.now(); // the end checks say why
    return undefined;
  });
  const sample = (w: Proc) => ({ cpu: cpuTimeMs(w.pid), wanted: runnableMs(w.pid) });
  const before = idle.map(sample);
  // Whoever takes the re-run holds before its map call: the other stays without a task for as long as it is
  // measured, however late (on a loaded machine) the other maps ended. No idle stretch is ever too short to judge.
  stage.arm('map', input);
  await stage.until(`the map task of ${input} to be handed to another worker`, () =>
    stage.startedMap(input, held.proc).length || idle.every((w) => !w.alive) ? true : undefined,
  );
  const handedAt = Date.now();
  const takers = new Set(stage.startedMap(input, held.proc).map((t) => t.proc));
  const atHandOut = idle.map(sample);
  if (handedAt - from < IDLE_MIN_MS) await sleep(from + IDLE_MIN_MS - handedAt);
  const atEnd = idle.map((w, i) => (takers.has(w) ? atHandOut[i] : sample(w)));
  const endedAt = Date.now();
  stage.disarm('map', input, 'the idle workers have been measured', held.proc);
  const capacity = cpuCapacity();
  const limit = Math.max(0.1, IDLE_SHARE * capacity);
  idle.forEach((w, i) => {
    const [start, after] = [before[i], atEnd[i]];
    if (after.cpu === undefined || start.cpu === undefined) return; // gone: the end checks say why
    const span = (takers.has(w) ? handedAt : endedAt) - from;
    if (span < IDLE_MIN_MS) return; // the taker, handed the task early: the other worker is judged
    const used = after.cpu - start.cpu;
    const wanted = after.wanted !== undefined && start.wanted !== undefined ? after.wanted - start.wanted : undefined;
    stage.tell(
      `${who(w)} used ${(used / 1000).toFixed(2)} s of CPU in the ${fmtSeconds(span)} it had no task` +
        (wanted === undefined ? '' : `, and wanted it (running or waiting to run) for ${(wanted / 1000).toFixed(2)} s`),
    );
    const spinning = used / span > limit || (wanted !== undefined && wanted / span > RUNNABLE_SHARE);
    if (spinning) {
      fail(
        `${who(w)} used ${(used / 1000).toFixed(1)} s of CPU time in the ${fmtSeconds(span)} it had no task to do ` +
          `(${at(job, from)} to ${at(job, from + span)}: ${Math.round((used / span) * 100)}% of a core; this machine runs ${capacity} at once)` +
          (wanted === undefined
            ? ''
            : `, and wanted the CPU ${Math.round((wanted / span) * 100)}% of that time, running or waiting to run`) +
          ': a worker with nothing to do must wait (sleep between requests, or let the coordinator hold the request), not spin',
      );
    }
  });
}

/** The first cause a schedule's checks name, if any (a check that cannot read what it needs names none). */
export function causeOf(checks: Array<() => string | undefined>): string | undefined {
  for (const check of checks) {
    try {
      const cause = check();
      if (cause) return cause;
    } catch {
      // a folder or trace that is not there: no cause to name
    }
  }
  return undefined;
}

export function who(p: Proc): string {
  return `${p.role} (pid ${p.pid})`;
}

export function at(job: Job, time: number): string {
  return `${((time - job.startedAt) / 1000).toFixed(1)} s`;
}
