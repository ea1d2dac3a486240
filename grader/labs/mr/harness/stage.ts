// The grader's side of a forced schedule (the extended and challenge
// tiers): workers hold at exact points of their work (src/main/holds.ts);
// the grader follows their traces, arms holds and releases them when the
// schedule says. Nothing here waits for a fixed time: each step waits for an
// event in a trace. What the schedule did is its story, told in time order
// with a failure's diagnosis.

import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { fail, TestFailure } from '../../../core/outcome';
import { fmtSeconds, Proc, sleep } from '../../../core/processes';
import type { HoldPoint, Phase } from '../../../../src/main/trace-format';
import { describeHold, type Hold, holdOf } from './holds';
import { at, indent, who } from './describe';
import { Job } from './job';
import { quote } from './output';
import { Story } from './story';
import { traceLines } from './traces';

type Point = HoldPoint;

/** The longest one step waits for its event: a re-run comes after the coordinator's 10 s, plus a loaded machine's delays. */
const STEP_LIMIT_MS = 40_000;
const POLL_MS = 50;

/** One line of a worker's trace, with the worker. */
interface Seen {
  proc: Proc;
  e: Record<string, unknown>;
  index: number; // its place in the worker's trace
}

/** The grader's side of a forced schedule: starts held workers, follows the holds, arms and releases them. */
export class Stage {
  /** What the schedule did, in order: added to a failure's diagnosis. */
  readonly story: Story;
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
    this.story = new Story(job.startedAt);
    this.ticker = setInterval(() => this.scan(), POLL_MS);
  }

  close(): void {
    clearInterval(this.ticker);
  }

  /** A wc worker that holds once at each of `points`. */
  worker(points: Point[] = []): Proc {
    return this.job.startWorker('wc', { MR_HOLD: points.join(','), MR_GATES: this.job.folders.gateDir() });
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
        const h = holdOf(proc, e);
        const where = describeHold(h, this.job.nReduce);
        this.holds.push(h);
        proc.signals.push({ signal: 'SIGSTOP', at: h.time, why: `forced schedule: ${where}`, staged: true });
        const past = this.passed.find((p) => p.matches(h));
        if (past) this.release(h, past.why);
        else if (h.at !== 'call') this.tell(where, h.time); // a hold let go at once is no step of the story
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
    const file = path.join(this.job.folders.gateDir(), `release-${h.pid}-${h.n}`);
    fs.writeFileSync(file, '');
    h.proc.signals.push({ signal: 'SIGCONT', at: h.releasedAt, why: `forced schedule: ${why}`, staged: true });
  }

  tell(line: string, time = Date.now()): void {
    this.story.tell(line, time);
  }

  /** Held now: a hold not yet released. */
  isHeld(proc: Proc): boolean {
    return this.holds.some((h) => h.proc === proc && h.releasedAt === undefined);
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
    return path.join(this.job.folders.gateDir(), `${point}@${crypto.createHash('sha1').update(input).digest('hex')}`);
  }
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
      const story = stage.story.length
        ? ['what the forced schedule did:', ...stage.story.lines().map((l) => `  ${l}`)]
        : [];
      throw new TestFailure([...notes, ...story]);
    }
    throw err;
  } finally {
    job.artifact('schedule.txt', stage.story.lines()); // in the kept folder (--keep, --trace): what the schedule did
    stage.close();
    for (const h of stage.holds) stage.release(h, 'the test is over');
  }
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
