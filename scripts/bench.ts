// The kit's benchmark: how fast and how big a MapReduce implementation is.
//
//   npm run bench [-- options]         (--help lists them)
//
// Measures (each part selectable with --only; one module each in bench/):
//   grader    wall time of each course test and of the whole suite
//   scaling   word count on the kit's inputs (~3.3 MB) and on a big generated
//             corpus (128 MB in 16 files) with 1, 2 and 4 workers, against
//             mrsequential on the same input: time and speedup
//   startup   coordinator start -> its endpoint accepts a connection;
//             worker start -> the connection of its first RPC
//   memory    peak RSS of the coordinator, of each worker and of mrsequential
//             (big corpus), and of the whole course suite (in a cgroup)
//   shuffle   the challenge track's reference solution on the big corpus with
//             2 and 4 workers, traced: the bytes each reduce task and each
//             reducer fetched from the other workers and read from its own
//             disk, the number of fetches and their time
//   raft      the Raft lab's 2A-2D suite with its reference solution, graded
//             (a process per peer) and in one process: wall time against
//             virtual time, peak memory; and seeds of 2A a minute
// and, with --gradescope-box, the whole suite (and Raft's) on half a CPU and 768 MB.
//
// Writes <out>/report.json and <out>/scaling.svg (speedup against workers),
// prints a summary and checks the kit's targets (bench/targets.ts; met /
// missed, informative: the exit status does not depend on them). See
// labs/mr/SCALING.md.

import * as fs from 'fs';
import * as path from 'path';
import { helpText, UsageError } from '../src/kit/args';
import { kitRoot } from '../src/kit/root';
import { detectHierarchy } from './bench/cgroup';
import { reportChart } from './bench/chart';
import { BenchContext } from './bench/context';
import { Corpora, prepareCorpora } from './bench/corpora';
import { measureGradescopeBox } from './bench/gradescope-box';
import { measureGrader } from './bench/grader';
import { measureMemory } from './bench/memory';
import { BENCH_CLI, Options, parseOptions, Part } from './bench/options';
import { newReport, printSummary, readReport, Report, writeReport } from './bench/report';
import { measureScaling } from './bench/scaling';
import { measureRaft } from './bench/raft';
import { measureShuffle } from './bench/shuffle';
import { Session } from './bench/session';
import { stageImpl } from './bench/staging';
import { measureStartup } from './bench/startup';
import { judge } from './bench/targets';

/**
 * The parts in the order they run, which matters: memory reuses the
 * scaling runs when there are some, and the grader measures the suite's
 * memory into the memory part's report.
 */
const RUN_ORDER: { part: Part; run(ctx: BenchContext, report: Report, corpora: Corpora): Promise<void> }[] = [
  { part: 'startup', run: async (ctx, report) => void (report.startup = await measureStartup(ctx)) },
  { part: 'scaling', run: async (ctx, report, c) => void (report.scaling = await measureScaling(ctx, c.list)) },
  {
    part: 'memory',
    run: async (ctx, report, c) => void (report.memory = await measureMemory(ctx, c.list, report.scaling)),
  },
  { part: 'shuffle', run: async (ctx, report, c) => void (report.shuffle = await measureShuffle(ctx, c.list)) },
  { part: 'grader', run: async (ctx, report) => void (report.grader = await measureGrader(ctx, report.memory)) },
  { part: 'raft', run: async (ctx, report) => void (report.raft = await measureRaft(ctx)) },
  { part: 'gradescope-box', run: async (ctx, report) => void (report.gradescopeBox = await measureGradescopeBox(ctx)) },
];

async function main(argv: string[], session: Session): Promise<number> {
  const kit = kitRoot(__dirname);
  const options = parseOptions(argv, kit);
  if (options.help) {
    console.log(helpText(BENCH_CLI));
    return 0;
  }
  if (options.chartOf) return redrawChart(options.chartOf, options.out);
  endOnSignals(session);

  const startedAt = performance.now();
  const stage = await stageImpl(kit, options.impl, session);
  const report = newReport(kit, options, stage.how);
  console.log(`bench: ${report.impl.dir} (${stage.how}); parts: ${report.parts.join(', ')}`);
  const corpora = corporaFor(kit, options, stage.dir);
  if (!corpora) return 1;
  const ctx: BenchContext = { kit, options, session, stage, cgroups: detectHierarchy() };
  for (const { part, run } of RUN_ORDER) if (options.parts.has(part)) await run(ctx, report, corpora);

  report.targets = judge({ report, bigCorpus: corpora.big });
  report.durationMs = Math.round(performance.now() - startedAt);
  const { json, svg } = writeReport(report, options.out);
  printSummary(report);
  console.log(`\nwrote ${shown(json)} and ${shown(svg)}`);
  return 0;
}

/** Scaling, memory and shuffle run word count on corpora; undefined (after saying why) when they cannot be made. */
function corporaFor(kit: string, options: Options, scratch: string): Corpora | undefined {
  if (!(['scaling', 'memory', 'shuffle'] as const).some((p) => options.parts.has(p))) return { list: [] };
  try {
    return prepareCorpora(kit, options, scratch);
  } catch (err) {
    console.error(`bench: cannot make the corpora: ${(err as Error).message.split('\n')[0]}`);
    return undefined;
  }
}

function redrawChart(reportFile: string, out: string): number {
  const earlier = readReport(reportFile);
  fs.mkdirSync(out, { recursive: true });
  const svg = path.join(out, 'scaling.svg');
  fs.writeFileSync(svg, reportChart(earlier));
  console.log(`wrote ${svg}`);
  return 0;
}

/** Ctrl-C, SIGTERM, SIGHUP: end every process and cgroup first, then exit with the signal's status. */
function endOnSignals(session: Session): void {
  for (const [signal, status] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
    ['SIGHUP', 129],
  ] as const) {
    process.once(signal, () => {
      console.error(`\nbench: interrupted by ${signal}; every process it started has been killed`);
      session.close();
      process.exit(status);
    });
  }
}

function shown(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative.startsWith('..') ? file : relative;
}

/** Bad input (a UsageError) is one line and status 2; anything else, one line and status 1. */
function run(argv: string[]): void {
  const session = new Session();
  process.once('exit', () => session.close());
  main(argv, session).then(
    (status) => {
      session.close();
      process.exit(status);
    },
    (err: unknown) => {
      const usage = err instanceof UsageError;
      console.error(`bench: ${usage ? '' : 'internal error: '}${err instanceof Error ? err.message : String(err)}`);
      session.close();
      process.exit(usage ? 2 : 1);
    },
  );
}

run(process.argv.slice(2));
