// The course's seven tests (test-mr.sh, 2023-2025), in its order, with its
// worker counts and start patterns. Each check is anchored and exact; where
// the course is lax (see the notes) this port is stricter.

import { fail, TestFailure } from '../../../core/outcome';
import { Job } from '../harness/job';
import { Proc } from '../../../core/processes';
import { describeDifference, quote, readOutput, sameLines } from '../harness/output';
import { checkSameAsSequential } from '../harness/checks';
import { defineTests } from '../harness/spec';

/** The course's seven, in its order; per-process limits as its `timeout 45s` and `timeout 120s` (crash). */
export const COURSE_TESTS = defineTests([
  // 3 workers; the check runs when the coordinator exits.
  {
    id: 'wc',
    name: 'wc',
    app: 'wc',
    limitMs: 45_000,
    async run(job) {
      await job.startJob('wc', 3);
      await job.waitCoordinator();
      checkSameAsSequential(job, 'wc');
      await job.settle();
    },
  },

  // 2 workers; the check runs when the foreground (second) worker exits.
  {
    id: 'indexer',
    name: 'indexer',
    app: 'indexer',
    limitMs: 45_000,
    async run(job) {
      const [, foreground] = await job.startJob('indexer', 2);
      await job.waitFor(foreground);
      readAfterExit(job, foreground, () => checkSameAsSequential(job, 'indexer'));
      await job.settle();
    },
  },

  // mtiming, 2 workers: both must have run maps (exactly two times- lines),
  // and some map must have seen exactly 2 map workers at once.
  {
    id: 'map-parallelism',
    name: 'map parallelism',
    limitMs: 45_000,
    async run(job) {
      const [, foreground] = await job.startJob('mtiming', 2);
      await job.waitFor(foreground);
      readAfterExit(job, foreground, () => checkMapParallelism(job));
      await job.settle();
    },
  },

  // rtiming, 2 workers: at least 2 reduces must have seen 2 reduce workers at once.
  {
    id: 'reduce-parallelism',
    name: 'reduce parallelism',
    limitMs: 45_000,
    async run(job) {
      const [, foreground] = await job.startJob('rtiming', 2);
      await job.waitFor(foreground);
      readAfterExit(job, foreground, () => checkReduceParallelism(job));
      await job.settle();
    },
  },

  // jobcount, 4 workers started background, foreground, background,
  // foreground: every map must run exactly once, so the output is "a <inputs>".
  {
    id: 'job-count',
    name: 'job count',
    limitMs: 45_000,
    async run(job) {
      job.startCoordinator();
      await job.waitListening();
      job.startWorker('jobcount');
      await job.waitFor(job.startWorker('jobcount'));
      job.startWorker('jobcount');
      const foreground = job.startWorker('jobcount');
      await job.waitFor(foreground);
      readAfterExit(job, foreground, () => checkJobCount(job));
      await job.settle();
    },
  },

  // early_exit, 3 workers: the output at the first exit of any process must
  // already be final, and (unlike the course) it must also be correct.
  {
    id: 'early-exit',
    name: 'early exit',
    app: 'early_exit',
    limitMs: 45_000,
    async run(job) {
      await job.startJob('early_exit', 3);
      const first = await job.firstExit();
      const initial = readOutput(job.dir).lines;
      job.artifact('mr-early-exit-initial', initial);
      await job.waitCoordinator();
      await job.settle();
      const final = readOutput(job.dir).lines;
      if (!sameLines(initial, final)) {
        fail(
          `output changed after the first process exited (${first.role}, pid ${first.pid}, ${first.describeExit()})`,
          ...describeDifference(final, initial, 'in the final output').map((n) => `at that exit: ${n}`),
        );
      }
      checkSameAsSequential(job, 'early_exit');
    },
  },

  // crash, one worker plus three loops restarting workers while the
  // coordinator runs; the output must equal nocrash's.
  {
    id: 'crash',
    name: 'crash',
    app: 'nocrash',
    limitMs: 120_000,
    crashSeeds: true,
    replay: 'crash seed',
    async run(job) {
      job.startCoordinator();
      await job.waitListening();
      job.startWorker('crash');
      for (let i = 0; i < 3; i++) job.restartLoop('crash');
      await job.waitCoordinator();
      checkSameAsSequential(job, 'nocrash', 'crash');
      await job.settle(30_000);
    },
  },
]);

/** mtiming: both workers ran maps (exactly two times- lines), and some map saw exactly 2 map workers at once. */
function checkMapParallelism(job: Job): void {
  const { lines } = readOutput(job.dir);
  if (lines.length === 0) fail('saw 0 workers rather than 2: no output (no mr-out-* files, or only blank lines)');
  const times = lines.filter((l) => /^times-\d+ \d+\.\d( \d+\.\d)*$/.test(l));
  const parallel = lines.filter((l) => /^parallel-\d+ \d+( \d+)*$/.test(l));
  const other = lines.filter((l) => !times.includes(l) && !parallel.includes(l));
  if (other.length) fail(`unexpected output lines (${other.length}): ${other.slice(0, 3).map(quote).join(', ')}`);
  if (times.length !== 2) {
    fail(
      `saw ${times.length} workers rather than 2: expected exactly 2 "times-<pid> ..." lines, one per worker`,
      ...times.map(quote),
    );
  }
  if (!parallel.some((l) => l.split(' ').slice(1).includes('2'))) {
    fail('map workers did not run in parallel: no map saw 2 map workers at once', ...parallel.map(quote));
  }
}

/** rtiming: one line per key a..j, and at least 2 reduces saw 2 reduce workers at once. */
function checkReduceParallelism(job: Job): void {
  const { lines } = readOutput(job.dir);
  const keys = lines.map((l) => /^([a-j]) \d+$/.exec(l)?.[1]);
  if (keys.join('') !== 'abcdefghij') {
    fail(
      'expected one line "<key> <count>" for each key a..j',
      `found ${lines.length} line${lines.length === 1 ? '' : 's'}: ${lines.slice(0, 12).map(quote).join(', ') || '(none)'}`,
    );
  }
  const twos = lines.filter((l) => /^[a-z] 2$/.test(l)).length;
  if (twos < 2)
    fail(
      `too few parallel reduces: ${twos} of 10 reduces saw 2 reduce workers at once (at least 2 must)`,
      ...lines.map(quote),
    );
}

/** jobcount: every map ran exactly once, so the output is "a <inputs>". */
function checkJobCount(job: Job): void {
  const { lines } = readOutput(job.dir);
  const want = `a ${job.ctx.inputs.length}`;
  if (lines.length !== 1 || lines[0] !== want) {
    const ran = /^a (\d+)$/.exec(lines[0] ?? '')?.[1];
    fail(
      lines.length === 1 && ran
        ? `map jobs ran incorrect number of times (${ran} != ${job.ctx.inputs.length})`
        : `expected the single line ${quote(want)}`,
      `found ${lines.length} line${lines.length === 1 ? '' : 's'}: ${lines.slice(0, 5).map(quote).join(', ') || '(none)'}`,
    );
  }
}

/**
 * As the course, some tests read the output when a "foreground" worker
 * exits, whatever else is still running. A failure then says when that was
 * and who was still running: often the cause (a worker that left early).
 */
function readAfterExit(job: Job, proc: Proc, check: () => void): void {
  try {
    check();
  } catch (err) {
    if (!(err instanceof TestFailure) || !proc.exit) throw err;
    const t = proc.exit.at;
    const running = job.procs.filter((p) => p !== proc && p.startedAt <= t && (!p.exit || p.exit.at > t));
    throw new TestFailure([
      ...err.notes,
      `(output read at ${((t - job.startedAt) / 1000).toFixed(1)} s, when ${proc.role} (pid ${proc.pid}) ${proc.describeExit()}; ` +
        (running.length
          ? `still running then: ${running.map((p) => `${p.role} (pid ${p.pid})`).join(', ')})`
          : 'no other process was running then)'),
    ]);
  }
}
