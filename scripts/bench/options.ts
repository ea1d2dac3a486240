// The benchmark's command line: one table (the kit's shared parser reads it
// and makes --help from it) and the checks that turn its strings into
// Options. Bad input is a UsageError: one line for the user.

import * as fs from 'fs';
import * as path from 'path';
import { CommandLine, parseCommandLine, UsageError } from '../../src/kit/args';

/** The measured parts, in the order the report lists them. */
export const PARTS = ['grader', 'scaling', 'startup', 'memory', 'shuffle', 'raft', 'gradescope-box'] as const;
export type Part = (typeof PARTS)[number];

const DEFAULT_PARTS: Part[] = ['grader', 'scaling', 'startup', 'memory', 'shuffle', 'raft'];
const QUICK_PARTS: Part[] = ['scaling', 'startup', 'memory'];

export const BENCH_CLI = {
  usage: 'npm run bench [-- options]',
  about:
    'Measures a MapReduce implementation: the course suite, word-count scaling, start-up times and memory ' +
    "(and the challenge track's shuffle, and the Raft lab's suite graded and in one process, with their reference solutions); " +
    'writes <out>/report.json and <out>/scaling.svg and says which targets it met (see labs/mr/SCALING.md).',
  options: {
    impl: {
      value: 'DIR',
      help: 'the implementation to measure (default: labs/mr/solution when it exists, else src/mr)',
    },
    only: {
      value: 'PARTS',
      help: `comma-separated: ${PARTS.join(', ')} (default: ${DEFAULT_PARTS.join(', ')})`,
    },
    quick: { help: 'a tiny run: a 1 MB generated corpus, 1 and 2 workers, no grader and no shuffle' },
    'big-size': {
      value: 'SIZE',
      help: 'size of the big corpus (default 128MB; cached in .mr-build/bench-corpus-SIZE)',
    },
    workers: { value: 'LIST', help: 'worker counts (default 1,2,4)' },
    repeat: { value: 'N', help: 'start-up samples of each kind (default 5; --quick: 2)' },
    'gradescope-box': {
      help: 'also run the course suite on half a CPU with 768 MB (cgroup v2, or v1 where only v1 is mounted; needs root)',
    },
    out: { value: 'DIR', help: 'where report.json and scaling.svg go (default bench-results/)' },
    chart: { value: 'REPORT', help: 'only redraw the chart of an earlier report.json into <out>/scaling.svg' },
  },
} satisfies CommandLine;

export interface Options {
  help: boolean;
  impl: string;
  parts: Set<Part>;
  quick: boolean;
  bigSize: string;
  workers: number[];
  repeat: number;
  out: string;
  /** --chart: the report whose chart to redraw (nothing is measured then). */
  chartOf?: string;
}

/** Reads the command line; `kit` is the kit's root, for the defaults. Throws UsageError. */
export function parseOptions(argv: string[], kit: string): Options {
  const { values, help } = parseCommandLine(BENCH_CLI, argv);
  const quick = values.quick ?? false;
  const solution = path.join(kit, 'labs', 'mr', 'solution');
  const impl = values.impl
    ? path.resolve(values.impl)
    : fs.existsSync(solution)
      ? solution
      : path.join(kit, 'src', 'mr');
  const parts = new Set<Part>(values.only !== undefined ? partList(values.only) : quick ? QUICK_PARTS : DEFAULT_PARTS);
  if (values['gradescope-box']) parts.add('gradescope-box');
  const options: Options = {
    help,
    impl,
    parts,
    quick,
    bigSize: values['big-size'] !== undefined ? size(values['big-size']) : '128MB',
    workers: workerCounts(values.workers, quick),
    repeat: values.repeat !== undefined ? repeat(values.repeat) : quick ? 2 : 5,
    out: path.resolve(values.out ?? path.join(kit, 'bench-results')),
    chartOf: values.chart !== undefined ? path.resolve(values.chart) : undefined,
  };
  if (options.help) return options;
  if (options.chartOf !== undefined && !fs.existsSync(options.chartOf)) {
    throw new UsageError(`--chart: no such file ${options.chartOf}`);
  }
  checkImpl(options.impl);
  return options;
}

function partList(text: string): Part[] {
  const names = text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const name of names) {
    if (!(PARTS as readonly string[]).includes(name)) {
      throw new UsageError(`--only: unknown part "${name}" (parts: ${PARTS.join(', ')})`);
    }
  }
  if (names.length === 0) throw new UsageError(`--only needs parts (${PARTS.join(', ')})`);
  return names as Part[];
}

function size(text: string): string {
  if (!/^\d+(\.\d+)?(KB|MB|GB)$/i.test(text)) {
    throw new UsageError(`--big-size expects a size such as 128MB, got "${text}"`);
  }
  return text.toUpperCase();
}

/** Sorted and unique, always with 1: speedups are relative to one worker. */
function workerCounts(text: string | undefined, quick: boolean): number[] {
  if (text === undefined) return quick ? [1, 2] : [1, 2, 4];
  const list = text.split(',').map((s) => s.trim());
  if (!list.every((s) => /^([1-9]|1[0-6])$/.test(s))) {
    throw new UsageError(`--workers expects counts from 1 to 16 such as 1,2,4, got "${text}"`);
  }
  const counts = [...new Set(list.map(Number))].sort((a, b) => a - b);
  return counts.includes(1) ? counts : [1, ...counts];
}

function repeat(text: string): number {
  if (!/^([1-9]|[1-9]\d)$/.test(text)) {
    throw new UsageError(`--repeat expects a whole number from 1 to 99, got "${text}"`);
  }
  return Number(text);
}

function checkImpl(impl: string): void {
  if (!fs.existsSync(impl) || !fs.statSync(impl).isDirectory()) {
    throw new UsageError(`--impl: ${impl} is not a directory`);
  }
  for (const file of ['coordinator.ts', 'worker.ts']) {
    if (!fs.existsSync(path.join(impl, file))) throw new UsageError(`--impl: ${impl} has no ${file}`);
  }
}
