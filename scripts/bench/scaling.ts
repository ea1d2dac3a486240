// The scaling part: on each corpus, mrsequential, then a job with each
// worker count, and the speedups against one worker and against
// mrsequential (what the chart shows).

import { BenchContext } from './context';
import { Corpus, jobLimitMs, warm } from './corpora';
import { mb, secs } from './format';
import { JobResult, runJob, runSequential, SequentialResult } from './jobs';

export interface CorpusReport {
  name: string;
  files: number;
  bytes: number;
  sequential: SequentialResult;
  runs: JobResult[];
}

export interface ScalingReport {
  corpora: CorpusReport[];
  timing: string;
}

const TIMING =
  'ms: from spawning the coordinator to its exit (it lingers ~1 s after done()); the workers are ' +
  'started once its endpoint accepts connections. mrsequential: spawn to exit. Output checked against mrsequential. ' +
  'cpuMs: user + system CPU time of the coordinator and the workers; parallelism = cpuMs / ms, the average ' +
  'number of busy cores (at most the number of cores, and lower when other programs share the machine).';

export async function measureScaling(ctx: BenchContext, corpora: Corpus[]): Promise<ScalingReport> {
  const reports: CorpusReport[] = [];
  for (const corpus of corpora) reports.push(await scaleOn(ctx, corpus, ctx.options.workers));
  return { corpora: reports, timing: TIMING };
}

/** mrsequential and one job per worker count on one corpus (the memory part runs it with [2] alone). */
export async function scaleOn(
  ctx: BenchContext,
  corpus: Corpus,
  workerCounts: number[],
  progress = true,
): Promise<CorpusReport> {
  const say = (text: string): void => void (progress && process.stdout.write(text));
  warm(corpus);
  const limit = jobLimitMs(corpus);
  say(`scaling ${corpus.name} (${corpus.files.length} files, ${mb(corpus.bytes)}): mrsequential`);
  const { result: sequential, expected } = await runSequential(ctx.session, ctx.stage, corpus, limit);
  say(` ${secs(sequential.ms)}`);
  const runs: JobResult[] = [];
  for (const w of workerCounts) {
    say(`, ${w} worker${w > 1 ? 's' : ''}`);
    const r = await runJob(ctx.session, ctx.stage, corpus, w, expected, limit);
    const busy = r.parallelism !== undefined ? ` (${r.parallelism.toFixed(1)} cores busy)` : '';
    say(` ${secs(r.ms)}${r.correct ? busy : ' (FAILED)'}`);
    runs.push(r);
  }
  say('\n');
  const one = runs.find((r) => r.workers === 1);
  for (const r of runs) {
    if (one && r.correct && one.correct) r.speedupVsOneWorker = one.ms / r.ms;
    if (r.correct && sequential.ok) r.speedupVsSequential = sequential.ms / r.ms;
  }
  return { name: corpus.name, files: corpus.files.length, bytes: corpus.bytes, sequential, runs };
}
