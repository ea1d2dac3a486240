// The extended tier: what the course's grader never checks (go-lab1.md §7).
// Off by default (the course's seven are graded as the course grades them);
// on with --extended, or when named in --only. Each test is exact about one
// property and says which process or file broke it.

import * as fs from 'fs';
import * as path from 'path';
import { fail } from '../../../core/outcome';
import { Job } from '../harness/job';
import { readCapped } from '../../../sandbox/files';
import { describeDifference, outputFiles, quote, readOutput, sameLines, sortedLines } from '../harness/output';
import { compareCodePoints } from '../../../../src/kit/order';
import { printable } from '../../../../src/main/trace-format';
import { sleep } from '../../../core/processes';
import { checkFileSet, checkPartition } from '../harness/layout';
import { checkSameAsSequential, graderFiles } from '../harness/checks';
import { freezeMidMap, waitCoordinatorDespite, waitOpenMap } from '../harness/mid-map';
import { checkWorkersExit } from '../harness/worker-exit';
import { defineTests } from '../harness/spec';

const N_REDUCE = 10; // as main/mrcoordinator
const POLL_MS = 25;

/** The extended tier's own tests: the job's shape and files (the manifest adds the data tests and the forced schedules). */
export const EXTENDED_TESTS = defineTests([
  // wc, 3 workers: once the coordinator has exited, every worker must exit
  // by itself, with status 0, within 5 s.
  {
    id: 'worker-exit',
    name: 'worker exit',
    limitMs: 45_000,
    async run(job) {
      await job.startJob('wc', 3);
      await job.waitCoordinator();
      await checkWorkersExit(job, 'exited', true);
      await job.settle();
    },
  },

  // slowwc, 3 workers: one is frozen (SIGSTOP) in the middle of a map task.
  // Its task must go to another worker, and the job must finish correctly.
  {
    id: 'hung-worker',
    name: 'hung worker',
    app: 'wc',
    limitMs: 45_000,
    async run(job) {
      const workers = await job.startJob('slowwc', 3);
      const frozen = await freezeMidMap(job, workers);
      await waitCoordinatorDespite(job, frozen);
      checkSameAsSequential(job, 'wc', 'slowwc');
      frozen.proc.kill('end of the hung-worker test: the frozen worker');
      await frozen.proc.exited;
      await job.settle();
    },
  },

  // slowwc, 3 workers: the coordinator is killed (SIGKILL) once a map task
  // has started; every worker must then exit (any status) within 5 s.
  {
    id: 'coordinator-loss',
    name: 'coordinator loss',
    limitMs: 45_000,
    async run(job) {
      const c = job.startCoordinator();
      await job.waitListening();
      const workers = [1, 2, 3].map(() => job.startWorker('slowwc'));
      await waitOpenMap(job, workers);
      c.signal('SIGKILL', 'coordinator-loss test: the coordinator dies mid-job');
      await c.exited;
      await checkWorkersExit(job, 'was killed', false);
    },
  },

  // wc, 3 workers: exactly mr-out-0 .. mr-out-9, each key in mr-out-<ihash(key) % 10>,
  // no temporary file left, and no output file changed after the coordinator exited.
  {
    id: 'layout',
    name: 'layout',
    app: 'wc',
    limitMs: 45_000,
    async run(job) {
      await job.startJob('wc', 3);
      await job.waitCoordinator();
      const atExit = outputFiles(job.dir);
      checkFileSet(atExit, N_REDUCE);
      checkSameAsSequential(job, 'wc');
      checkPartition(atExit, N_REDUCE);

      await job.settle();
      const own = graderFiles(job);
      const temps = fs
        .readdirSync(job.dir)
        .filter((n) => !own.has(n) && (n.startsWith('.') || /te?mp/i.test(n)))
        .sort(compareCodePoints)
        .map(printable); // the student names them: a name must not start a console line of its own
      if (temps.length) {
        fail(
          `temporary files left in the job's directory after it finished: ${temps.slice(0, 5).join(', ')}${temps.length > 5 ? ', ...' : ''}`,
          'a worker must rename its temporary file into place (or remove it) before it reports the task done',
        );
      }

      const after = outputFiles(job.dir);
      const changed = [...new Set([...atExit.keys(), ...after.keys()])]
        .filter((n) => atExit.get(n) !== after.get(n))
        .sort(compareCodePoints);
      if (changed.length) {
        fail(
          `output files changed after the coordinator exited: ${changed.map((n) => `${printable(n)} (${change(atExit.get(n), after.get(n))})`).join(', ')}`,
          'the job is done when the coordinator exits: every mr-out file must be final by then',
        );
      }
    },
  },

  // early_exit, 3 workers: every content of an mr-out file seen while the job
  // runs (polled every 25 ms) must be its final content.
  {
    id: 'atomic-output',
    name: 'atomic output',
    app: 'early_exit',
    limitMs: 45_000,
    async run(job) {
      await job.startJob('early_exit', 3);
      const seen = new Map<string, Set<string>>();
      const observe = (): void => {
        for (const [name, text] of outputFiles(job.dir)) {
          let set = seen.get(name);
          if (!set) seen.set(name, (set = new Set()));
          set.add(text);
        }
      };
      await whilePolling(job.waitCoordinator(), observe);
      await whilePolling(job.settle(), observe);
      observe();

      const final = outputFiles(job.dir);
      const bad: string[] = [];
      for (const name of [...seen.keys()].sort(compareCodePoints)) {
        const end = final.get(name);
        for (const text of seen.get(name)!) {
          if (text === end) continue;
          const seenLines = plural(text.split('\n').filter(Boolean).length, 'line');
          const endLines = end === undefined ? '' : plural(end.split('\n').filter(Boolean).length, 'line');
          if (end === undefined) bad.push(`${name} was seen (${seenLines}) but is gone at the end`);
          else if (text === '') bad.push(`${name} was seen empty; its final content has ${endLines}`);
          else if (end.startsWith(text)) bad.push(`${name} was seen partial: ${seenLines}, of its final ${endLines}`);
          else bad.push(`${name} was seen with other content (${seenLines}) than its final content (${endLines})`);
        }
      }
      if (bad.length) {
        fail(
          'output files were visible before they were complete: write each mr-out file under a temporary name and rename it into place',
          ...bad.slice(0, 6),
          ...(bad.length > 6 ? [`... and ${bad.length - 6} more`] : []),
        );
      }
      checkSameAsSequential(job, 'early_exit');
    },
  },

  // wc with 1 worker, then (a new coordinator, same folder) with 6 workers:
  // the same mr-out files, each with the same lines.
  {
    id: 'determinism',
    name: 'determinism',
    app: 'wc',
    limitMs: 45_000,
    async run(job) {
      const one = await wcJob(job, 1);
      checkSameAsSequential(job, 'wc');
      job.artifact(
        'mr-determinism-1-worker',
        [...one].flatMap(([name, lines]) => lines.map((l) => `${name}: ${l}`)),
      );
      for (const name of fs.readdirSync(job.dir)) {
        if (name.startsWith('mr-')) fs.rmSync(path.join(job.dir, name), { recursive: true, force: true });
      }
      const six = await wcJob(job, 6);

      const a = [...one.keys()];
      const b = [...six.keys()];
      if (!sameLines(a, b)) {
        fail(
          'the output files differ between the two runs of the same job',
          `with 1 worker: ${a.join(' ') || '(none)'}`,
          `with 6 workers: ${b.join(' ') || '(none)'}`,
        );
      }
      const differ = a.filter((name) => !sameLines(one.get(name)!, six.get(name)!));
      if (differ.length) {
        const first = differ[0];
        fail(
          `the same job gave different output with 1 and with 6 workers, in ${differ.join(', ')}`,
          ...describeDifference(one.get(first)!, six.get(first)!, 'with 1 worker').map((n) => `${first}: ${n}`),
        );
      }
    },
  },

  // rjobcount, 4 workers started together: each reduce call leaves a marker
  // naming its key, so with no crash there must be exactly one per key a..j.
  {
    id: 'reduce-count',
    name: 'reduce count',
    limitMs: 45_000,
    async run(job) {
      await job.startJob('rjobcount', 4);
      await job.waitCoordinator();
      await job.settle();
      const markers = fs.readdirSync(job.dir).filter((n) => n.startsWith('mr-worker-rjobcount-'));
      const counts = new Map<string, number>();
      for (const name of markers) {
        const key = readCapped(path.join(job.dir, name), 1024)?.text ?? '';
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
      const keys = 'abcdefghij'.split('');
      if (markers.length !== keys.length) {
        const twice = [...counts].filter(([, n]) => n > 1).map(([k, n]) => `${quote(k)} (${n}x)`);
        const never = keys.filter((k) => !counts.has(k));
        fail(
          `reduce jobs ran ${markers.length} times rather than ${keys.length} (once for each key a..j): no reduce task may run twice when nothing crashes`,
          ...(twice.length ? [`reduced more than once: ${twice.join(', ')}`] : []),
          ...(never.length ? [`never reduced: ${never.join(', ')}`] : []),
        );
      }
      const { lines } = readOutput(job.dir);
      const want = keys.map((k) => `${k} 1`);
      if (!sameLines(lines, want)) fail('expected the lines "a 1" .. "j 1"', ...describeDifference(want, lines));
    },
  },
]);

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function change(before: string | undefined, after: string | undefined): string {
  if (before === undefined) return 'appeared';
  if (after === undefined) return 'removed';
  return `${before.length} -> ${after.length} bytes`;
}

/** Runs `poll` every 25 ms until `until` settles; then settles as it did. */
async function whilePolling(until: Promise<void>, poll: () => void): Promise<void> {
  let done = false;
  const outcome = until.then(
    () => ({ error: undefined as unknown }),
    (error: unknown) => ({ error }),
  );
  void outcome.then(() => (done = true));
  while (!done) {
    poll();
    await Promise.race([outcome, sleep(POLL_MS)]);
  }
  const { error } = await outcome;
  if (error) throw error;
}

/** One wc job in the test's folder with n workers; its output, file by file (sorted lines). */
async function wcJob(job: Job, n: number): Promise<Map<string, string[]>> {
  job.startCoordinator();
  await job.waitListening();
  for (let i = 0; i < n; i++) job.startWorker('wc');
  await job.waitCoordinator();
  await job.settle();
  const files = new Map<string, string[]>();
  for (const [name, text] of outputFiles(job.dir)) files.set(name, sortedLines(text));
  return files;
}
