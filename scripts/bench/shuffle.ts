// The shuffle part: word count with the challenge track's reference solution
// (labs/mr/solution-challenge: each worker keeps its map output on a local
// disk of its own and serves it to the reducers over RPC), on the biggest
// corpus, with each worker count of 2 or more, every worker traced. From the
// traces (shuffle-trace.ts): what each reduce task and each reducer fetched
// from the other workers and read from its own disk, in how many fetches,
// taking how long.

import * as fs from 'fs';
import * as path from 'path';
import { parseTrace } from '../../src/main/trace-format';
import { BenchContext } from './context';
import { Corpus, jobLimitMs, warm } from './corpora';
import { mb, secs } from './format';
import { runJob, runSequential } from './jobs';
import { partBytesOn, shuffleFigures, ShuffleFigures, TracedWorker } from './shuffle-trace';
import { runFolder, Stage, stageImpl } from './staging';

/** The implementation measured, whatever --impl says: the course's design has no shuffle between workers. */
export const CHALLENGE_IMPL = path.join('labs', 'mr', 'solution-challenge');

export interface ShuffleRun extends ShuffleFigures {
  workers: number;
  /** Coordinator start to its exit, traced (a trace slows a worker a little). */
  ms: number;
  correct: boolean;
  problem?: string;
}

export interface ShuffleReport {
  impl: string;
  corpus?: string;
  method: string;
  runs: ShuffleRun[];
  /** Why nothing was measured. */
  skipped?: string;
}

const METHOD =
  'mrworker --challenge with MR_TRACE on each worker, each with a local disk of its own and serving on a socket ' +
  'of its own; the output checked against mrsequential. A reduce task run is what its reducer traced from the ' +
  'RequestTask reply that handed it out to its ReportTask call; its task is ihash(first key) % nReduce. ' +
  'fetchedBytes: the data bytes of its Fetch replies (the trace counts them); localBytes: the bytes of its parts ' +
  '(mr-X-Y on the local disks after the job) less what it fetched; fetchMs: the Fetch round trips, summed; ' +
  'ms: from the hand-out to the end of its last reduce call.';

export async function measureShuffle(ctx: BenchContext, corpora: Corpus[]): Promise<ShuffleReport> {
  const report: ShuffleReport = { impl: CHALLENGE_IMPL, method: METHOD, runs: [] };
  const impl = path.join(ctx.kit, CHALLENGE_IMPL);
  const counts = ctx.options.workers.filter((w) => w >= 2);
  const corpus = corpora[corpora.length - 1];
  if (!fs.existsSync(impl)) return { ...report, skipped: `no ${CHALLENGE_IMPL} in this copy of the kit` };
  if (counts.length === 0) return { ...report, skipped: 'a shuffle needs 2 workers or more (--workers)' };
  if (!corpus) return { ...report, skipped: 'no corpus' };

  const stage = await stageImpl(ctx.kit, impl, ctx.session);
  warm(corpus);
  const limit = jobLimitMs(corpus);
  process.stdout.write(`shuffle ${corpus.name} (${CHALLENGE_IMPL}, traced): mrsequential`);
  const { result: sequential, expected } = await runSequential(ctx.session, stage, corpus, limit);
  process.stdout.write(` ${secs(sequential.ms)}`);
  if (!sequential.ok) {
    process.stdout.write('\n');
    return { ...report, corpus: corpus.name, skipped: sequential.problem };
  }
  for (const workers of counts) {
    const run = await tracedJob(ctx, stage, corpus, workers, expected, limit);
    const moved = `${mb(run.fetchedBytes)} of ${mb(run.intermediateBytes)} fetched in ${run.fetches} fetches`;
    process.stdout.write(`, ${workers} workers ${secs(run.ms)} (${run.correct ? moved : 'FAILED'})`);
    report.runs.push(run);
  }
  process.stdout.write('\n');
  return { ...report, corpus: corpus.name };
}

/** One job, its workers traced, with their local disks and traces in a folder of their own (removed after). */
async function tracedJob(
  ctx: BenchContext,
  stage: Stage,
  corpus: Corpus,
  workers: number,
  expected: string,
  limitMs: number,
): Promise<ShuffleRun> {
  const dir = runFolder(stage); // not inside the job's (shared) folder: a local disk must not be
  try {
    const disk = (w: number) => path.join(dir, `disk-${w}`);
    const trace = (w: number) => path.join(dir, `trace-${w}.jsonl`);
    // Unix socket paths are short: the stage's socket folder.
    const address = (w: number) => path.join(stage.sockets, `${path.basename(dir)}-w${w}.sock`);
    const job = await runJob(ctx.session, stage, corpus, workers, expected, limitMs, (w) => ({
      options: ['--challenge', '--local', disk(w), '--serve-on', address(w)],
      trace: trace(w),
    }));
    const traced: TracedWorker[] = Array.from({ length: workers }, (_, w) => ({
      events: fs.existsSync(trace(w)) ? parseTrace(fs.readFileSync(trace(w), 'utf8')) : [],
      address: address(w),
    }));
    const disks = Array.from({ length: workers }, (_, w) => disk(w));
    const figures = shuffleFigures(traced, partBytesOn(disks));
    return { workers, ms: job.ms, correct: job.correct, problem: job.problem, ...figures };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
