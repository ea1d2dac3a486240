// The extended tier's protocol under late and repeated events, forced with
// holds (harness/stage.ts) as the other schedules are. The other schedules
// always leave a worker free to finish the job, so a coordinator that answers
// a late or duplicate report with an error (and a worker that then takes it
// for gone and quits) passes them; and a task that times out once never
// shows a coordinator that keeps the first hand-out's clock. Here the worker
// whose report is late is the one the job needs next, and a task times out
// twice while an idle worker stands ready.

import { fail } from '../../../core/outcome';
import type { Proc } from '../../../core/processes';
import { checkNoWorkerFailed, checkSameOutput } from '../harness/checks';
import { at, who } from '../harness/describe';
import { scheduleInputs } from '../harness/generated-inputs';
import { startGenerated } from '../harness/generated-job';
import type { Job } from '../harness/job';
import { defineTests } from '../harness/spec';
import type { Hold } from '../harness/holds';
import { causeOf, type Stage, withStage } from '../harness/stage';

const FILES = 3;
/** The least time between two hand-outs of one task to live workers (the rule's 10 s, less the slack the invariants allow). */
const REISSUE_MS = 7_000;

export const PROTOCOL_TESTS = defineTests([
  // wc on 3 small files, 2 workers. Worker 1 is held after its first map
  // returned, before reporting it; worker 2 re-runs that task after 10 s and
  // is held before reporting it. Worker 1's report then comes from a worker
  // the coordinator gave up on, and it must go on (it is held when it first
  // reads an intermediate file); then worker 2's report comes second, a
  // duplicate, and it must go on too, with worker 1 held: each is the only
  // worker left to do the job when its report is answered.
  { id: 'stale-report', name: 'stale report', limitMs: 90_000, run: (job) => scheduled(job, staleReport) },

  // wc on 3 small files, 3 workers. Worker 1 is held in its first map call,
  // and so is every worker handed that task after it. After 10 s it goes to
  // worker 2 or 3; the other stands idle, asking for work, and may get it
  // only when that copy too has had its 10 s.
  { id: 'timeout-twice', name: 'timeout twice', limitMs: 90_000, run: (job) => scheduled(job, timeoutTwice) },
]);

async function staleReport(stage: Stage): Promise<void> {
  const slow = stage.worker(['map-report', 'read']);
  const held = await stage.held(slow, 'map-report');
  const input = held.input!;
  stage.arm('map-report', input); // whoever re-runs it holds before reporting it
  const other = stage.worker();
  const rerun = await stage.until(`the map task of ${input} to be re-run by ${who(other)}`, () =>
    stage.holds.find((h) => h.proc === other && h.at === 'map-report' && h.input === input),
  );
  stage.tell(`the coordinator gave up on ${who(slow)}: ${who(other)} re-ran the map of ${input}`, rerun.time);
  const stale = `report of the map of ${input}, which the coordinator had handed to ${who(other)} since`;
  await reportAndGoOn(stage, held, stale, `${who(other)} has the task now`);
  stage.disarm('map-report', input, `${who(slow)} has sent its report`);
  await reportAndGoOn(stage, rerun, `report of the map of ${input}, which ${who(slow)} had reported already`);
  stage.pass('read', 'both reports have been answered');
}

async function timeoutTwice(stage: Stage): Promise<void> {
  const first = stage.worker(['map']);
  const held = await stage.held(first, 'map');
  const input = held.input!;
  stage.arm('map', input); // each copy holds in the call: none is reported, so each must time out
  stage.worker();
  stage.worker();
  const copy = (n: number) => () =>
    stage.holds.filter((h) => h.at === 'map' && h.input === input && h.proc !== first)[n];
  const second = await stage.until(`the map task of ${input} to be handed to another worker`, copy(0));
  stage.tell(`the map task of ${input} timed out on ${who(first)} and went to ${who(second.proc)}`, second.time);
  const third = await stage.until(`the map task of ${input} to time out again and go to the idle worker`, copy(1));
  stage.tell(`it timed out on ${who(second.proc)} too and went to ${who(third.proc)}`, third.time);
  stage.disarm('map', input, 'the task has been handed out three times');
  stage.release(held, 'the task has been handed out three times');
  const gap = third.time - second.time;
  if (gap >= REISSUE_MS) return;
  const job = stage.job;
  fail(
    `the map task of ${input} was handed to ${who(third.proc)} at ${at(job, third.time)}, only ${(gap / 1000).toFixed(1)} s after it was handed to ${who(second.proc)} ` +
      `(at ${at(job, second.time)}, when it had timed out on ${who(first)}), which was still running it: every hand-out of a task gets its full 10 s, ` +
      "the second one too. Restart the task's clock when you hand it out again (a deadline kept from the first hand-out has passed already, and sends the task on at once)",
  );
}

/**
 * Runs `schedule` on a wc job over 3 small generated files, then waits for
 * the job: the cause a schedule's checks name comes first, then the output
 * must equal mrsequential's and every worker must exit well.
 */
async function scheduled(job: Job, schedule: (stage: Stage) => Promise<void>): Promise<void> {
  await withStage(job, async (stage) => {
    const { expected } = await startGenerated(job, 'wc', scheduleInputs(FILES));
    await schedule(stage);
    await job.waitCoordinator();
    const cause = causeOf(stage.causes);
    if (cause) fail(cause);
    checkSameOutput(job, expected, 'wc on the generated inputs');
    await job.settle();
    checkNoWorkerFailed(job, 'every report it sends is answered');
  });
}

/**
 * Releases `hold` (a worker held before it reports its task), and waits
 * until the worker has gone on: its report answered and its next request
 * too, or held again further on. A worker that quits instead is the cause,
 * named by what its report was (`what`).
 */
async function reportAndGoOn(stage: Stage, hold: Hold, what: string, why = 'its report is due'): Promise<void> {
  const proc = hold.proc;
  stage.causes.push(() => quitAfterError(stage, proc, hold.releasedAt ?? Infinity, what));
  stage.release(hold, why);
  stage.tell(`${who(proc)} released: its ${what}, is sent now`);
  const released = hold.releasedAt!;
  await stage.until(`${who(proc)} to have its report answered and ask for more work`, () => {
    if (!proc.alive)
      fail(
        `${who(proc)} ${proc.describeExit()} after it sent its ${what}, with the job unfinished and no other worker free to finish it`,
      );
    if (stage.holds.some((h) => h.proc === proc && h.time > released)) return true;
    return stage.rpcAfter(proc, released, 2, true) !== undefined || undefined;
  });
  stage.tell(`${who(proc)}'s report was answered, and it asked for more work`);
}

/** The cause, when `proc` exited after the coordinator answered its report (its first RPC after `after`) with an error. */
function quitAfterError(stage: Stage, proc: Proc, after: number, what: string): string | undefined {
  if (proc.alive) return undefined;
  const lines = stage.lines(proc);
  const report = lines.find((s) => s.e.event === 'call' && s.e.to === undefined && Number(s.e.time) >= after);
  const answer = report && lines.find((s) => s.index > report.index && s.e.event === 'reply' && s.e.to === undefined);
  if (!answer?.e.failed) return undefined;
  const job = stage.job;
  return (
    `${who(proc)}'s ${what}, was answered with an error at ${at(job, Number(answer.e.time))}, and it exited at ${at(job, proc.exit!.at)} ` +
    `with the job unfinished (its last output: ${proc.tail(1).join(' ').replace(/\s+/g, ' ') || 'none'}): a report that comes late or twice must be answered like any other, ` +
    'and change nothing; a worker whose call fails takes the coordinator for gone'
  );
}
