// The raft part: the Raft lab's whole 2A-2D suite with its reference
// solution, graded (each peer a process behind the wall, as Gradescope runs
// it) and in one process (a student's quick loop): wall time against the
// virtual time the tests cover, and peak memory (the grader and every peer,
// in a cgroup); then how many seeds of 2A one process grades in a minute;
// and, with --gradescope-box, the graded suite on half a CPU and 768 MB.

import * as fs from 'fs';
import * as path from 'path';
import { BenchContext } from './context';
import { MB, secs } from './format';
import { GraderRun, runGrader } from './grader';

export interface RaftRun {
  status: 'ok' | 'unavailable';
  reason?: string;
  passed?: boolean;
  wallMs?: number;
  /** The virtual time the tests covered, from their pass notes ("3.0 s (virtual)"). */
  virtualMs?: number;
  peakMemoryBytes?: number;
  tests?: number;
  /** The tests that did not pass, with the first line of their diagnosis. */
  failures?: string[];
}

export interface RaftReport {
  impl: string;
  graded: RaftRun;
  inProcess: RaftRun;
  /** Seeds of 2A graded in one process, a minute. */
  seeds2A?: { seeds: number; wallMs: number; perMinute: number; passed: boolean };
  box?: RaftRun & { cpu: string; memoryLimitBytes: number };
}

const SUITE_LIMIT_MS = 10 * 60_000;
const SEEDS = 100;
const BOX = { memoryMaxBytes: 768 * MB, cpu: { quotaUs: 50_000, periodUs: 100_000 } };

export async function measureRaft(ctx: BenchContext): Promise<RaftReport> {
  const impl = path.join(ctx.kit, 'labs', 'raft', 'solution');
  if (!fs.existsSync(impl)) {
    const reason = "no Raft reference solution here (a student's release has none)";
    console.log(`raft: skipped: ${reason}`);
    return {
      impl: path.relative(ctx.kit, impl),
      graded: { status: 'unavailable', reason },
      inProcess: { status: 'unavailable', reason },
    };
  }
  const suite = async (name: string, args: string[]): Promise<RaftRun> =>
    ctx.session.inGroup(ctx.cgroups, `mr-bench-raft-${name}`, { measureMemory: true }, async (group) =>
      summarize(await runGrader(ctx, group, SUITE_LIMIT_MS, `raft-${name}`, { lab: 'raft', impl, args })),
    );
  console.log('raft: the 2A-2D suite, graded (a process per peer) ...');
  const graded = await suite('graded', []);
  console.log(`raft: ${describe(graded)}`);
  console.log('raft: the 2A-2D suite in one process ...');
  const inProcess = await suite('in-process', ['--in-process']);
  console.log(`raft: ${describe(inProcess)}`);

  console.log(`raft: ${SEEDS} seeds of 2A in one process ...`);
  const args = ['--in-process', '--only', '2A', '--seeds', String(SEEDS), '--parallel', '2', '--seed', 'bench'];
  const seeds = await runGrader(ctx, undefined, SUITE_LIMIT_MS, 'raft-2a-seeds', { lab: 'raft', impl, args });
  const seeds2A =
    seeds.status === 'ok' && seeds.wallMs
      ? { seeds: SEEDS, wallMs: seeds.wallMs, perMinute: (SEEDS * 60_000) / seeds.wallMs, passed: !!seeds.passed }
      : undefined;
  if (seeds2A) console.log(`raft: ${Math.round(seeds2A.perMinute)} seeds of 2A a minute`);

  const report: RaftReport = { impl: path.relative(ctx.kit, impl), graded, inProcess, seeds2A };
  if (ctx.options.parts.has('gradescope-box')) {
    console.log('raft: the graded suite on half a CPU with 768 MB ...');
    const limits = { cpu: 'half a CPU', memoryLimitBytes: BOX.memoryMaxBytes };
    report.box = await ctx.session.inGroup(ctx.cgroups, 'mr-bench-raft-box', BOX, async (group, why) => {
      if (!group) return { status: 'unavailable' as const, reason: why, ...limits };
      return {
        // as the Gradescope run grades: one test at a time
        ...summarize(
          await runGrader(ctx, group, SUITE_LIMIT_MS, 'raft-box', { lab: 'raft', impl, args: ['--parallel', '1'] }),
        ),
        ...limits,
      };
    });
    console.log(`raft: in the box, ${describe(report.box)}`);
  }
  return report;
}

function summarize(run: GraderRun): RaftRun {
  if (run.status !== 'ok') return { status: run.status, reason: run.reason };
  const virtualMs = (run.tests ?? []).reduce((sum, t) => {
    const m = /\.\.\. Passed -- ([\d.]+) s \(virtual\)/.exec((t.notes ?? []).join('\n'));
    return sum + (m ? Number(m[1]) * 1000 : 0);
  }, 0);
  return {
    status: 'ok',
    passed: run.passed,
    wallMs: run.wallMs,
    virtualMs,
    peakMemoryBytes: run.peakMemoryBytes,
    tests: run.tests?.length,
    failures: (run.tests ?? []).filter((t) => !t.passed).map((t) => `${t.name}: ${t.notes?.[0] ?? 'failed'}`),
    ...(run.reason ? { reason: run.reason } : {}),
  };
}

function describe(run: RaftRun): string {
  if (run.status !== 'ok') return `unavailable (${run.reason})`;
  const peak = run.peakMemoryBytes ? `, peak ${Math.round(run.peakMemoryBytes / MB)} MB` : '';
  return `${run.passed ? 'passed' : 'FAILED'} in ${secs(run.wallMs!)} for ${secs(run.virtualMs ?? 0)} of virtual time${peak}`;
}
