// The gradescope-box part: the course suite inside Gradescope's default
// box, half a CPU and 768 MB for everything, emulated with a cgroup (v2, or
// v1 where only v1 is mounted). Without a usable cgroup the part is
// skipped, with the reason in the report.

import { BenchContext } from './context';
import { MB, secs } from './format';
import { GraderRun, runGrader } from './grader';

export type BoxRun = GraderRun & { cpu: string; memoryLimitBytes: number };

const MEMORY_MAX_BYTES = 768 * MB;
const CPU = { quotaUs: 50_000, periodUs: 100_000 }; // half a CPU
const BOX_LIMIT_MS = 12 * 60_000;

export async function measureGradescopeBox(ctx: BenchContext): Promise<BoxRun> {
  console.log('gradescope-box: the course suite on half a CPU with 768 MB ...');
  const box = await ctx.session.inGroup(
    ctx.cgroups,
    'mr-bench-box',
    { memoryMaxBytes: MEMORY_MAX_BYTES, cpu: CPU },
    async (group, why): Promise<BoxRun> => {
      const limits = { cpu: `${CPU.quotaUs}/${CPU.periodUs} us (half a CPU)`, memoryLimitBytes: MEMORY_MAX_BYTES };
      if (!group) return { status: 'unavailable', reason: why, ...limits };
      return { ...(await runGrader(ctx, group, BOX_LIMIT_MS, 'box')), ...limits };
    },
  );
  const outcome =
    box.status === 'ok' ? `${box.passed ? 'passed' : 'FAILED'} in ${secs(box.wallMs!)}` : `unavailable (${box.reason})`;
  console.log(`gradescope-box: ${outcome}`);
  return box;
}
