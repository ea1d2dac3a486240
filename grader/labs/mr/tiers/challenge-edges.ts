// The challenge track's edges, staged with holds rather than left to luck:
// a map phase that ends late though no task is late (backups are for tasks
// that run far longer than their siblings, not for a long phase); a part
// larger than one fetch chunk, with a character across a chunk boundary; a
// lost worker that had already finished a reduce task (its output is safe in
// the shared folder: it must not run again). The local shuffle and lost-map
// tests never make these: their phases are short, their parts small, and a
// reduce task finishes before lost-map's kill only by chance.

import * as fs from 'fs';
import { fail, TestFailure } from '../../../core/outcome';
import { fmtSeconds, type Proc } from '../../../core/processes';
import { checkNoWorkerFailed, checkSameAsSequential, checkSameOutput } from '../harness/checks';
import { at, who } from '../harness/describe';
import { bigPartInputs, CHUNK_BYTES, chunkedFetches } from '../harness/big-part';
import { startGenerated } from '../harness/generated-job';
import type { Job } from '../harness/job';
import { readOutput } from '../harness/output';
import { defineTests } from '../harness/spec';
import { type Stage, withStage } from '../harness/stage';
import { median, taskRuns, tasksOnTwoWorkers } from '../harness/task-runs';

export const EDGE_TESTS = defineTests([
  // slowwc (maps of about a second), 3 challenge workers. Workers 2 and 3 are
  // held before their first RPC while worker 1 maps every input alone, one
  // after another; once it has started the last one, nothing is left to hand
  // out and they are let go. The map phase has run some 9 s, but no task is
  // late: no task may run on two workers.
  {
    id: 'late-phase',
    name: 'late phase, no straggler',
    app: 'wc',
    limitMs: 90_000,
    run: (job) =>
      onStage(job, async (stage) => {
        const mapper = challengeWorker(job, 'slowwc', []);
        const late = [challengeWorker(job, 'slowwc', ['call']), challengeWorker(job, 'slowwc', ['call'])];
        for (const w of late) await stage.held(w, 'call');
        stage.tell(
          `${who(late[0])} and ${who(late[1])} held before their first RPC: ${who(mapper)} maps every input alone`,
        );
        const last = await stage.until(`${who(mapper)} to start the last map task`, () =>
          startedMaps(stage, mapper) >= job.ctx.inputs.length ? Date.now() : undefined,
        );
        stage.pass('call', 'nothing of the map phase is left to hand out');
        stage.tell(
          `${who(mapper)} started its last map task: the others are let go, with nothing left to hand out`,
          last,
        );
        await job.waitCoordinator();
        checkSameAsSequential(job, 'wc', 'slowwc');
        await job.settle();
        checkNoWorkerFailed(job, 'nothing crashes in it');
        checkNoBackup(job);
      }),
  },

  // wc, 3 challenge workers, on two files that hold the same word of 2.1 MB
  // of three-byte letters. Workers 1 and 2 are held in their first map call
  // until both are there, so each maps one of the files; whoever reduces the
  // word's bucket fetches a part of over two chunks from another worker. The
  // output must be mrsequential's (no U+FFFD); the test says which fetch it
  // saw cut a character between two chunks.
  {
    id: 'chunked-fetch',
    name: 'chunked fetch',
    limitMs: 60_000,
    run: chunkedFetch,
  },

  // wc, 3 challenge workers. Workers 2 and 3 are held before their first RPC
  // while worker 1 runs every map task; it is held in its first reduce call
  // until the others hold reduce tasks too, each before its first fetch from
  // it. Worker 1 is released, and once the coordinator has answered its
  // report of that reduce task, it is killed and its disk removed. Its map
  // tasks must run again; no reduce task it had finished may.
  {
    id: 'lost-after-reduce',
    name: 'lost after reduce',
    app: 'wc',
    limitMs: 90_000,
    run: (job) =>
      onStage(job, async (stage) => {
        const victim = challengeWorker(job, 'wc', ['reduce']);
        const others = [challengeWorker(job, 'wc', ['call', 'fetch']), challengeWorker(job, 'wc', ['call', 'fetch'])];
        const inReduce = await stage.held(victim, 'reduce');
        stage.pass('call', `${who(victim)} has run every map task`);
        for (const w of others) await stage.held(w, 'fetch');
        stage.tell(
          `${who(others[0])} and ${who(others[1])} hold reduce tasks, before their first fetch from ${who(victim)}`,
        );
        stage.release(inReduce, 'the other workers hold reduce tasks that need its map output');
        await stage.until(`the coordinator to answer ${who(victim)}'s report of a reduce task`, () =>
          finishedReduces(job, victim).at(0),
        );
        victim.signal(
          'SIGKILL',
          'lost-after-reduce test: a worker that finished a reduce task dies, and its disk with it',
        );
        const killedAt = Date.now();
        await victim.exited;
        fs.rmSync(job.disks.get(victim)!.local, { recursive: true, force: true });
        const finished = finishedReduces(job, victim);
        stage.tell(
          `${who(victim)} killed and its disk removed, after the coordinator took its reports of ${finished.map((r) => r.task).join(', ')}`,
          killedAt,
        );
        stage.pass('fetch', `${who(victim)} is gone`);
        await job.waitCoordinator();
        checkSameAsSequential(job, 'wc');
        await job.settle();
        checkNoWorkerFailed(job, `only ${who(victim)} was killed`, new Set([victim]));
        const again = taskRuns(job).find((r) => r.start > killedAt && finished.some((f) => f.task === r.task));
        if (!again) return;
        const done = finished.find((f) => f.task === again.task)!;
        fail(
          `${again.task}, which ${who(victim)} had finished (the coordinator answered its report at ${at(job, done.reported!)}), ran again on ${who(again.proc)} ` +
            `at ${at(job, again.start)}, after ${who(victim)} was killed at ${at(job, killedAt)}: a finished reduce task's output is in the shared folder, ` +
            "safe whatever becomes of its worker; only the lost worker's map tasks (and the task it was running) run again",
        );
      }),
  },
]);

/** Starts the coordinator over the run's inputs, then runs `body` with a stage (its story told with a failure). */
async function onStage(job: Job, body: (stage: Stage) => Promise<void>): Promise<void> {
  job.startCoordinator();
  await job.waitListening();
  await withStage(job, body);
}

/** A worker in the challenge track's mode, held at `points` (src/main/holds.ts). */
function challengeWorker(job: Job, app: string, points: string[]): Proc {
  return job.startWorker(app, { MR_HOLD: points.join(','), MR_GATES: job.folders.gateDir() }, { challenge: true });
}

/** How many inputs `proc` has started a map call on. */
function startedMaps(stage: Stage, proc: Proc): number {
  return new Set(
    stage
      .lines(proc)
      .filter((s) => s.e.event === 'start' && s.e.phase === 'map')
      .map((s) => s.e.input),
  ).size;
}

/** The reduce tasks `proc` finished and whose reports the coordinator answered, in that order. */
function finishedReduces(job: Job, proc: Proc) {
  return taskRuns(job)
    .filter((r) => r.proc === proc && r.phase === 'reduce' && r.reported !== undefined)
    .sort((a, b) => a.reported! - b.reported!);
}

/** In a job with no straggler, no task ran on two workers; says how late the phase was, and how old the task. */
function checkNoBackup(job: Job): void {
  const runs = taskRuns(job);
  const twice = tasksOnTwoWorkers(runs)[0];
  if (!twice) return;
  const [first, copy] = twice;
  const phase = runs.filter((r) => r.phase === first.phase);
  const typical = median(phase.filter((r) => r.end !== undefined).map((r) => r.end! - r.start));
  fail(
    `${first.task} ran on 2 workers, ${who(first.proc)} from ${at(job, first.start)} and ${who(copy.proc)} from ${at(job, copy.start)}, in a job with no straggler: ` +
      `its ${first.phase} phase had run ${fmtSeconds(copy.start - phase[0].start)} then, but the task only ${fmtSeconds(copy.start - first.start)}, ` +
      `and a finished ${first.phase} call took ${fmtSeconds(typical)} (the median). A backup copy is for a task that has run far longer than its finished siblings, ` +
      'not for a phase that runs long',
  );
}

async function chunkedFetch(job: Job): Promise<void> {
  const { expected } = await startGenerated(job, 'wc', bigPartInputs());
  let staged: Stage | undefined;
  await withStage(job, async (stage) => {
    staged = stage;
    const a = challengeWorker(job, 'wc', ['map']);
    const heldA = await stage.held(a, 'map');
    const b = challengeWorker(job, 'wc', ['map']);
    const heldB = await stage.held(b, 'map');
    challengeWorker(job, 'wc', []);
    stage.pass('map', `${who(a)} maps ${heldA.input} and ${who(b)} maps ${heldB.input}`);
    stage.tell(
      'both let go: each holds a part of the big word on its disk; whoever reduces its bucket fetches one from the other',
    );
  });
  const story = staged!.story; // the reduce phase is not followed: its traces hold the 2 MB word
  const told = (): string[] => {
    for (const line of fetchesSeen(job)) story.tell(line.text, line.time);
    return story.lines();
  };
  try {
    await job.waitCoordinator();
    checkSameOutput(job, expected, 'wc on the big word');
    await job.settle();
    checkNoWorkerFailed(job, 'nothing crashes in it');
  } catch (err) {
    if (!(err instanceof TestFailure)) throw err;
    const hint = readOutput(job.dir).lines.some((l) => l.includes('\uFFFD'))
      ? [
          'hint: the output holds U+FFFD (a character that could not be decoded): a chunk of a fetched part ended inside a character, ' +
            "and each chunk was decoded on its own; join a part's chunks (Buffer.concat) and decode the whole part",
        ]
      : [];
    throw new TestFailure([
      ...err.notes.map(short),
      ...hint,
      'what the forced schedule did:',
      ...told().map((l) => `  ${l}`),
    ]);
  }
  job.artifact('schedule.txt', told());
}

/** What the record shows of the big part's fetch: its chunks, and the boundary that cut a character. */
function fetchesSeen(job: Job): Array<{ text: string; time: number }> {
  const seen = chunkedFetches(job);
  if (!seen.length) {
    const text = `no part over ${CHUNK_BYTES} bytes was fetched in more than one piece (a part this size fits in one gRPC message)`;
    return [{ text, time: Date.now() }];
  }
  return seen.map((f) => ({
    text:
      `${who(f.reducer)} fetched ${f.part} (${f.size} bytes) from ${who(f.mapper)} in ${f.chunks.length} chunks (${f.chunks.join(' + ')} bytes)` +
      (f.cut === undefined
        ? '; no boundary fell inside a character'
        : `; the boundary at byte ${f.cut} fell inside a character`),
    time: f.time,
  }));
}

/** A note cut short: the big word must not fill the console. */
function short(note: string): string {
  return note.length > 400 ? `${note.slice(0, 397)}...` : note;
}
