// The memory part: the peak RSS of mrsequential, the coordinator and the
// workers on the last (largest) corpus, taken from the scaling part's runs
// when it ran, else from one mrsequential run and one 2-worker job. The
// whole suite's peak is the grader part's to measure (grader.ts), in a cgroup.

import { BenchContext } from './context';
import { Corpus } from './corpora';
import { scaleOn, ScalingReport } from './scaling';

export interface MemoryReport {
  corpus?: string;
  sequentialPeakRssBytes?: number;
  coordinatorPeakRssBytes?: number;
  workerPeakRssBytes?: number;
  suitePeakBytes?: number;
  suiteNote?: string;
  method: string;
}

const METHOD =
  'per process: the larger of process.resourceUsage().maxRSS written at exit (node -r preload) and ' +
  '/proc/PID/status VmHWM sampled every 50 ms; the largest over all runs on the corpus. Suite: the peak memory ' +
  'of a cgroup holding the grader and everything it starts (v2 memory.peak, or memory.current polled where ' +
  'the kernel has no memory.peak; v1 memory.max_usage_in_bytes), which includes page cache of the files the ' +
  'tests write.';

export async function measureMemory(
  ctx: BenchContext,
  corpora: Corpus[],
  scaling: ScalingReport | undefined,
): Promise<MemoryReport> {
  const target = corpora[corpora.length - 1];
  const runs = scaling?.corpora.find((c) => c.name === target.name) ?? (await scaleOn(ctx, target, [2], false));
  return {
    corpus: target.name,
    sequentialPeakRssBytes: runs.sequential.peakRssBytes,
    coordinatorPeakRssBytes: largest(runs.runs.map((r) => r.coordinatorPeakRssBytes)),
    workerPeakRssBytes: largest(runs.runs.flatMap((r) => r.workerPeakRssBytes)),
    method: METHOD,
  };
}

function largest(xs: (number | undefined)[]): number | undefined {
  const known = xs.filter((x): x is number => x !== undefined);
  return known.length ? Math.max(...known) : undefined;
}
