// The forced schedules (extended tier): the rare interleavings that break a
// coordinator or worker which looks right, staged on purpose instead of left
// to luck (harness/stage.ts holds workers at exact points and releases them).
// Nothing here waits for a fixed time: each step waits for an event in a
// trace (the 10 s reassignment is the coordinator's, as the rules define).
// Every test ends the same way: the job finishes, its output equals
// mrsequential's, and no worker fails.

import * as fs from 'fs';
import * as path from 'path';
import { ihash } from '../../../../src/kit/hash';
import { fail } from '../../../core/outcome';
import { checkNoWorkerFailed, checkSameOutput } from '../harness/checks';
import { at, indent, who } from '../harness/describe';
import { scheduleInputs, writeInputs } from '../harness/generated-inputs';
import { Job } from '../harness/job';
import { INPUT_DIR, sequentialOutput } from '../harness/oracle';
import { checkIdleCpu } from '../harness/idle-cpu';
import { causeOf, Stage, withStage } from '../harness/stage';
import { defineTests } from '../harness/spec';

const HERD = 8;
const FILES = 8; // map tasks of the jobs with more than one

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
        await checkIdleCpu(stage, others, held, FILES);
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
