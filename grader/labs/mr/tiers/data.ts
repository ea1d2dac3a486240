// The extended tier's data tests: jobs on inputs and with an nReduce that
// the course never uses, to catch what only unusual data shows: keys named
// like Object.prototype's properties, a key with 400,000 values, multi-byte
// text read in chunks, an nReduce other than 10, reduce tasks with no keys,
// and keys whose UTF-16 and code-point orders differ.

import * as path from 'path';
import {
  adversarialInputs,
  fewKeyInputs,
  HOT_COUNT,
  HOT_KEY,
  InputFile,
  PROTO_KEYS,
  writeInputs,
} from '../harness/generated-inputs';
import { TestFailure } from '../../../core/outcome';
import { Job } from '../harness/job';
import { checkFileSet, checkKeyOrder, checkPartition, keyOf } from '../harness/layout';
import { ihash } from '../../../../src/kit/hash';
import { outputFiles, readOutput } from '../harness/output';
import { checkSameAsSequential, checkSameOutput } from '../harness/checks';
import { INPUT_DIR, sequentialOutput } from '../harness/oracle';
import { defineTests } from '../harness/spec';

const N_REDUCE = 10; // as main/mrcoordinator, by default
const OTHER_N_REDUCE = 7; // not 10, and prime: no power of two or multiple of 10 hides a hard-coded 10
const WORKERS = 3;
const LOG_LINES = 40; // of each process's log, for the hints: a Node stack trace fits

/** Per-process limits 45 s: the adversarial jobs map 4 MB and reduce a 400,000-value key in a second or two. */
export const DATA_TESTS = defineTests([
  // tokencount, 3 workers, on the adversarial inputs: the output equals mrsequential's.
  {
    id: 'adversarial-input',
    name: 'adversarial input',
    limitMs: 45_000,
    async run(job) {
      await withDataHints(job, async () => {
        const expected = await generatedJob(job, 'tokencount', adversarialInputs());
        checkSameOutput(job, expected, 'tokencount on the adversarial inputs');
      });
      await job.settle();
    },
  },

  // wc, 3 workers, with nReduce 7: exactly mr-out-0 .. mr-out-6, every key in
  // mr-out-<ihash(key) % 7>, and the output equals mrsequential's.
  {
    id: 'n-reduce',
    name: 'nReduce 7',
    app: 'wc',
    limitMs: 45_000,
    async run(job) {
      job.startCoordinator({ nReduce: OTHER_N_REDUCE });
      await job.waitListening();
      for (let i = 0; i < WORKERS; i++) job.startWorker('wc');
      try {
        await job.waitCoordinator();
        const atExit = outputFiles(job.dir);
        checkFileSet(atExit, OTHER_N_REDUCE);
        checkPartition(atExit, OTHER_N_REDUCE);
        checkSameAsSequential(job, 'wc');
      } catch (err) {
        throw withNotes(err, [
          `(this job's coordinator was started with nReduce = ${OTHER_N_REDUCE}, not the course's 10: nothing may assume 10)`,
        ]);
      }
      await job.settle();
    },
  },

  // wc, 3 workers, on two small files with 3 distinct words (nReduce 10): every
  // mr-out-Y exists, empty for a reduce task that got no key, and the output is right.
  {
    id: 'few-keys',
    name: 'few keys',
    limitMs: 45_000,
    async run(job) {
      const expected = await generatedJob(job, 'wc', fewKeyInputs());
      checkFileSet(outputFiles(job.dir), N_REDUCE);
      checkSameOutput(job, expected, 'wc on three distinct words');
      await job.settle();
    },
  },

  // tokencount, 3 workers, on the adversarial inputs: in every mr-out file the
  // keys are in code-point order (mrsequential's), and the output is right.
  {
    id: 'key-order',
    name: 'key order',
    limitMs: 45_000,
    async run(job) {
      const expected = await generatedJob(job, 'tokencount', adversarialInputs());
      checkKeyOrder(outputFiles(job.dir));
      checkSameOutput(job, expected, 'tokencount on the adversarial inputs');
      await job.settle();
    },
  },
]);

/**
 * Writes `files` into the test's folder, computes mrsequential's output of
 * `app` on them, then runs the job on them (nReduce 10, 3 workers) until the
 * coordinator exits. Returns the expected lines (sorted).
 */
async function generatedJob(job: Job, app: string, files: InputFile[]): Promise<string[]> {
  const inputs = writeInputs(path.join(job.dir, INPUT_DIR), files, INPUT_DIR);
  const expected = await sequentialOutput(job, app, inputs);
  job.artifact(`mr-correct-${app}-generated.txt`, expected);
  job.startCoordinator({ inputs });
  await job.waitListening();
  for (let i = 0; i < WORKERS; i++) job.startWorker(app);
  await job.waitCoordinator();
  return expected;
}

/** Runs `check`; if it fails, adds what the adversarial inputs' traps suggest about the cause. */
async function withDataHints(job: Job, check: () => Promise<void>): Promise<void> {
  try {
    await check();
  } catch (err) {
    throw withNotes(err, dataHints(job));
  }
}

function withNotes(err: unknown, notes: string[]): unknown {
  return err instanceof TestFailure && notes.length ? new TestFailure([...err.notes, ...notes]) : err;
}

/** Which trap of the adversarial inputs the processes' logs and the output point to. */
export function dataHints(job: Job): string[] {
  const logs = job.procs.flatMap((p) => p.tail(LOG_LINES)).join('\n');
  const { lines } = readOutput(job.dir);
  const keys = new Set(lines.map(keyOf));
  const hints: string[] = [];
  if (/Maximum call stack size exceeded/.test(logs)) {
    hints.push(
      `hint: a process ran out of call stack; key "${HOT_KEY}" has ${HOT_COUNT.toLocaleString('en')} values in one file, ` +
        'and spreading them as arguments (push(...values), Math.max(...values)) fails: add them one at a time',
    );
  }
  if (lines.some((l) => l.includes('\uFFFD'))) {
    hints.push(
      'hint: the output holds U+FFFD (a character that could not be decoded): a multi-byte character was cut in two; ' +
        "decode a file as a whole (fs.readFileSync(file, 'utf8')) or carry partial characters over (string_decoder)",
    );
  }
  // A key is lost, not just unreduced, when its reduce task wrote other keys.
  const reduced = new Set([...keys].map((k) => ihash(k) % N_REDUCE));
  const lost = PROTO_KEYS.filter((k) => !keys.has(k) && reduced.has(ihash(k) % N_REDUCE));
  if (lost.length || /\.push is not a function/.test(logs)) {
    hints.push(
      `hint: keys named like Object.prototype's properties are missing or broke a worker (${(lost.length ? lost : PROTO_KEYS).slice(0, 4).join(', ')}): ` +
        'an object literal {} already has them (or, for __proto__, turns assignment into setting its prototype); group values in a Map',
    );
  }
  return hints;
}
