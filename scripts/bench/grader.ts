// The grader part: the course suite, run by the kit's own grader (its
// --json report gives each test's time), and, when the memory part is on,
// inside a memory cgroup whose peak is the whole suite's. gradescope-box.ts
// runs the same suite inside Gradescope's limits.

import * as fs from 'fs';
import * as path from 'path';
import { Group } from './cgroup';
import { BenchContext } from './context';
import { secs } from './format';
import { describeEnd, Measured, start } from './measure';
import { MemoryReport } from './memory';

export interface GraderRun {
  status: 'ok' | 'unavailable';
  reason?: string;
  passed?: boolean;
  wallMs?: number;
  tests?: { id: string; name: string; passed: boolean; durationMs: number; notes?: string[] }[];
  peakMemoryBytes?: number;
  memoryNote?: string;
  /** Times the suite hit its cgroup's memory limit (v1 memory.failcnt, v2 memory.events "max"). */
  limitHits?: number;
  oomKills?: number;
}

const SUITE_LIMIT_MS = 15 * 60_000;

/** Runs the suite; its peak memory goes into `memory` (the memory part's report) when there is one. */
export async function measureGrader(ctx: BenchContext, memory: MemoryReport | undefined): Promise<GraderRun> {
  console.log('grader: the course suite ...');
  const run = await ctx.session.inGroup(
    ctx.cgroups,
    'mr-bench-suite',
    { measureMemory: memory !== undefined },
    async (group, why) => {
      const r = await runGrader(ctx, group, SUITE_LIMIT_MS, 'suite');
      if (memory) {
        memory.suitePeakBytes = r.peakMemoryBytes;
        if (why) memory.suiteNote = why;
      }
      return r;
    },
  );
  // The suite runs without limits: there is nothing to have hit.
  delete run.limitHits;
  delete run.oomKills;
  if (run.status === 'ok') console.log(`grader: ${run.passed ? 'passed' : 'FAILED'} in ${secs(run.wallMs!)}`);
  else console.log(`grader: unavailable (${run.reason})`);
  return run;
}

/** What the grader grades: a lab, a folder, and options of its own (default: MapReduce's course suite on --impl). */
export interface Grading {
  lab: string;
  impl: string;
  args?: string[];
}

/** Runs a suite with the kit's compiled grader, inside `group` when given. */
export async function runGrader(
  ctx: BenchContext,
  group: Group | undefined,
  limitMs: number,
  name: string,
  grading: Grading = { lab: 'mr', impl: ctx.options.impl },
): Promise<GraderRun> {
  const { kit, session, stage } = ctx;
  const cli = path.join(kit, 'dist-grader', 'grader', 'cli.js');
  if (!fs.existsSync(cli)) {
    return { status: 'unavailable', reason: `${path.relative(kit, cli)} is missing (npm run build)` };
  }
  const json = path.join(stage.dir, `grader-${name}.json`);
  const args = [cli, grading.lab, '--impl', grading.impl, 'quiet', '--json', json, ...(grading.args ?? [])];
  const opts = { role: `grader (${name})`, cwd: kit, limitMs };
  const p: Measured = group
    ? start(session.registry, '/bin/sh', ['-c', group.enterCommand(), 'sh', process.execPath, ...args], opts)
    : start(session.registry, process.execPath, args, opts);
  const f = await session.whileGrading(p, p.done);
  const run: GraderRun = { status: 'ok', wallMs: f.ms };
  if (group) {
    run.peakMemoryBytes = group.peakMemory();
    Object.assign(run, group.memoryPressure());
  }
  if (f.timedOut) {
    return { ...run, passed: false, reason: `did not finish within ${Math.round(limitMs / 60_000)} min; killed` };
  }
  let summary: {
    passed: boolean;
    runs: { tests: { id: string; name: string; passed: boolean; durationMs: number; notes: string[] }[] }[];
  };
  try {
    summary = JSON.parse(fs.readFileSync(json, 'utf8'));
  } catch {
    if (group && f.signal === 'SIGKILL') {
      return { ...run, passed: false, reason: 'the grader was killed (out of memory?)' };
    }
    return { status: 'unavailable', reason: `the grader wrote no JSON report (${describeEnd(f)})` };
  }
  run.passed = summary.passed;
  run.tests = summary.runs
    .flatMap((r) => r.tests)
    .map((t) => ({
      id: t.id,
      name: t.name,
      passed: t.passed,
      durationMs: t.durationMs,
      notes: t.notes,
    }));
  return run;
}
