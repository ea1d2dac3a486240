// The challenge track's straggler (--challenge): a worker whose task is
// done but never reported, frozen and resumed in bursts, while the other
// workers have nothing left to do. A backup copy of its task must start
// well before the course's 10 s reassignment, and the job must end within a
// bound of the same job's time without a straggler. The straggler is chosen
// and held with a forced schedule (harness/stage.ts).

import * as fs from 'fs';
import * as path from 'path';
import { fail, TestFailure } from '../../../core/outcome';
import { fmtSeconds, Proc, sleep } from '../../../core/processes';
import { checkNoTaskTwice, withChallengeHints } from '../harness/challenge-checks';
import { checkNoWorkerFailed, checkSameAsSequential } from '../harness/checks';
import { at, who } from '../harness/describe';
import { Job } from '../harness/job';
import { defineTests } from '../harness/spec';
import { type Stage, withStage } from '../harness/stage';
import { traceLines } from '../harness/traces';

const WORKERS = 3;

export const STRAGGLER_TESTS = defineTests([
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
]);

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
  const alone = await timeWithoutStraggler(job); // with the hints the other challenge tests give
  await withChallengeHints(job, () => withStraggler(job, alone));
}

async function withStraggler(job: Job, alone: number): Promise<void> {
  await withStage(job, async (stage) => {
    job.startCoordinator();
    await job.waitListening();
    const listening = Date.now();
    for (let i = 0; i < WORKERS; i++)
      job.startWorker('slowwc', { MR_GATES: job.folders.gateDir() }, { challenge: true });
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
  const alone = new Job(job.ctx, dir, { limitMs: job.limitMs, foreignTmp: job.folders.foreignTmp });
  try {
    let took = 0;
    await withChallengeHints(alone, async () => {
      alone.startCoordinator({ inputs: job.ctx.inputs.map((input) => path.join('..', input)) }); // one folder deeper
      await alone.waitListening();
      const listening = Date.now();
      for (let i = 0; i < WORKERS; i++) alone.startWorker('slowwc', {}, { challenge: true });
      await alone.waitCoordinator();
      took = alone.coordinator!.exit!.at - listening;
      checkSameAsSequential(alone, 'wc', 'slowwc');
      await alone.settle();
      checkNoTaskTwice(alone);
    });
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
