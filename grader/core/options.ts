// The grader's command line: `test-mr [quiet] [options]`, one table
// (COMMAND_LINE) that is both what is parsed and what --help shows. Bad input
// is a UsageError, which cli.ts prints as one line before exiting with status 2.

import * as fs from 'fs';
import * as path from 'path';
import { CommandLine, parseCommandLine, UsageError } from '../../src/kit/args';
import { CHALLENGE_IDS, COURSE_IDS, EXTENDED_IDS, TEST_IDS, TestId } from '../labs/mr/catalog';
import { Budgets, DEFAULT_BUDGETS } from '../sandbox/budgets';

export { UsageError }; // grader.ts, bulk.ts and reports/results.ts take it from here

export interface Options {
  impl: string; // absolute path of the folder holding coordinator.ts, worker.ts, ...
  tests: TestId[]; // the selected tests, in the course's order
  inputs: string[]; // absolute paths of the input files, sorted
  inputsGlob: string; // the --inputs value they came from
  quiet: boolean;
  many: number;
  parallel: number;
  seed: string;
  seedGiven: boolean;
  json?: string;
  gradescope?: string;
  junit?: string;
  timeoutScale: number;
  keep: boolean;
  help: boolean;
  /** Run the extended tier after the course's tests (the extended tests can also be named in --only). */
  extended: boolean;
  /** Run the challenge track's tests (the paper's MapReduce: local disks, fetches, lost map output). */
  challenge: boolean;
  /** Write a timeline of every test, not only of failed ones. */
  trace: boolean;
  /** Bulk grading: a folder holding one sub-folder per student. */
  submissions?: string;
  /** Bulk grading: where grades.csv and grades.json go. */
  out?: string;
  /** What one test's student processes may use (memory, tasks, disk, output). */
  budgets: Budgets;
  /** Refuse to grade unless the student's processes run behind the user-id wall (bulk grading, Gradescope). */
  requireWall: boolean;
}

export const COMMAND_LINE = {
  usage: 'test-mr [quiet] [options]',
  about: "Grades a MapReduce implementation with the course's seven tests.",
  options: {
    impl: {
      value: 'DIR',
      help: 'grade DIR (coordinator.ts, worker.ts, rpc.ts, transport.ts, mr.proto) instead of src/mr',
    },
    only: { value: 'NAMES', help: 'run only these tests (comma-separated ids, below)' },
    skip: { value: 'NAMES', help: 'run all tests but these' },
    inputs: { value: 'GLOB', help: "input files (default: the kit's inputs/gen-*.txt)" },
    quiet: { help: 'hide the output of coordinators and workers' },
    many: { value: 'N', help: 'run the suite N times ...' },
    parallel: { value: 'P', help: '... P at a time, then print a table of failures and times' },
    seed: { value: 'S', help: 'seed of the crash app (random when not given)' },
    json: { value: 'FILE', help: 'write the results as JSON' },
    gradescope: { value: 'FILE', help: 'write a Gradescope results.json (points: grader/points.json)' },
    junit: { value: 'FILE', help: 'write JUnit XML' },
    'timeout-scale': { value: 'X', help: 'multiply every time limit by X (default 1)' },
    keep: { help: "keep every test's directory, not only failed ones" },
    extended: { help: "also run the extended tier (stricter tests beyond the course's)" },
    challenge: {
      help: "run the challenge track's tests (the paper's MapReduce: workers on local disks of their own)\ninstead of the course's; with --extended, every tier",
    },
    trace: { help: 'write a timeline (timeline.html) for every test, not only failed ones' },
    submissions: { value: 'DIR', help: 'bulk grading: grade DIR/<student>/**/src/mr for every sub-folder' },
    out: { value: 'DIR', help: 'bulk grading: write grades.csv and grades.json into DIR' },
    'memory-limit': {
      value: 'SIZE',
      help: `memory of one test's processes together (default ${sizeText(DEFAULT_BUDGETS.memoryBytes)})`,
    },
    'disk-limit': {
      value: 'SIZE',
      help: `disk one test's processes may write (default ${sizeText(DEFAULT_BUDGETS.diskBytes)})`,
    },
    'output-limit': {
      value: 'SIZE',
      help: `output one process may print (default ${sizeText(DEFAULT_BUDGETS.outputBytes)})`,
    },
    'task-limit': {
      value: 'N',
      help: `processes and threads of one test at once (default ${DEFAULT_BUDGETS.tasks})`,
    },
    'require-wall': {
      help: 'refuse to grade unless student code runs under sandbox user ids\n(needs root; what bulk grading and the Gradescope autograder use)',
    },
  },
  bareWords: { quiet: 'quiet' },
  epilogue: [
    'test ids (for --only and --skip):',
    `  the course's: ${COURSE_IDS.join(', ')}`,
    `  extended: ${EXTENDED_IDS.join(', ')}`,
    `  challenge: ${CHALLENGE_IDS.join(', ')}`,
  ].join('\n'),
} satisfies CommandLine;

/** Parses argv (without node and the script). `kit` is the kit's root folder. */
export function parseOptions(argv: string[], kit: string): Options {
  const { values, help } = parseCommandLine(COMMAND_LINE, argv);
  const resolved = (file: string | undefined) => (file === undefined ? undefined : path.resolve(file));
  const opts: Options = {
    impl: path.resolve(values.impl ?? path.join(kit, 'src', 'mr')),
    tests: [...COURSE_IDS],
    inputs: [],
    inputsGlob: '',
    quiet: values.quiet ?? false,
    many: values.many === undefined ? 1 : parseCount('--many', values.many),
    parallel: values.parallel === undefined ? 1 : parseCount('--parallel', values.parallel),
    seed: values.seed ?? '',
    seedGiven: values.seed !== undefined,
    json: resolved(values.json),
    gradescope: resolved(values.gradescope),
    junit: resolved(values.junit),
    timeoutScale: values['timeout-scale'] === undefined ? 1 : parseTimeoutScale(values['timeout-scale']),
    keep: values.keep ?? false,
    help,
    extended: values.extended ?? false,
    challenge: values.challenge ?? false,
    trace: values.trace ?? false,
    submissions: resolved(values.submissions),
    out: resolved(values.out),
    budgets: {
      memoryBytes: optional(values['memory-limit'], (v) => parseSize('--memory-limit', v), DEFAULT_BUDGETS.memoryBytes),
      diskBytes: optional(values['disk-limit'], (v) => parseSize('--disk-limit', v), DEFAULT_BUDGETS.diskBytes),
      outputBytes: optional(values['output-limit'], (v) => parseSize('--output-limit', v), DEFAULT_BUDGETS.outputBytes),
      tasks: optional(values['task-limit'], (v) => parseCount('--task-limit', v), DEFAULT_BUDGETS.tasks),
    },
    requireWall: values['require-wall'] ?? false,
  };
  if (opts.help) return opts;
  if (opts.requireWall && process.getuid?.() !== 0) {
    throw new UsageError('--require-wall needs root: only root can run student code under sandbox user ids');
  }

  const only = values.only === undefined ? undefined : parseTestList('--only', values.only);
  const skip = values.skip === undefined ? [] : parseTestList('--skip', values.skip);
  if (only && skip.length) throw new UsageError('--only and --skip cannot be used together');
  // --only names exactly the tests to run; otherwise the course's seven, then the extended tier with --extended;
  // --challenge alone runs the challenge track's tests (a challenge solution runs the course's seven apart).
  const tiers: TestId[] = [
    ...(opts.challenge && !opts.extended ? [] : COURSE_IDS),
    ...(opts.extended ? EXTENDED_IDS : []),
    ...(opts.challenge ? CHALLENGE_IDS : []),
  ];
  const pool: readonly TestId[] = TEST_IDS.filter((id) => tiers.includes(id));
  opts.tests = only ? TEST_IDS.filter((id) => only.includes(id)) : pool.filter((id) => !skip.includes(id));
  if (opts.tests.length === 0) throw new UsageError('no test left to run');
  const parallelGiven = values.parallel !== undefined;
  if (parallelGiven && opts.many === 1 && opts.parallel > 1 && !opts.submissions) {
    throw new UsageError('--parallel needs --many N (the number of runs)');
  }
  if (opts.parallel > opts.many && !opts.submissions) opts.parallel = opts.many;

  checkImpl(opts.impl);
  const inputsGlob = values.inputs ?? path.join(kit, 'inputs', 'gen-*.txt');
  opts.inputs = expandGlob(inputsGlob);
  opts.inputsGlob = path.resolve(inputsGlob);
  if (!opts.seedGiven) opts.seed = Math.random().toString(36).slice(2, 10);
  for (const file of [opts.json, opts.gradescope, opts.junit]) {
    if (file && !fs.existsSync(path.dirname(file))) {
      throw new UsageError(`cannot write ${file}: no such directory ${path.dirname(file)}`);
    }
  }
  return opts;
}

/** An option's parsed value, or its default when it was not given. */
function optional<V>(given: string | undefined, parse: (value: string) => V, fallback: V): V {
  return given === undefined ? fallback : parse(given);
}

function parseTimeoutScale(value: string): number {
  const x = Number(value);
  if (!/^\d*\.?\d+$/.test(value) || !(x > 0) || x > 100) {
    throw new UsageError(`--timeout-scale expects a number above 0 (at most 100), got "${value}"`);
  }
  return x;
}

/** 2147483648 -> "2GB", for the defaults in the help. */
function sizeText(bytes: number): string {
  for (const [unit, size] of [
    ['GB', 1024 ** 3],
    ['MB', 1024 ** 2],
    ['KB', 1024],
  ] as const) {
    if (bytes % size === 0) return `${bytes / size}${unit}`;
  }
  return String(bytes);
}

function parseTestList(name: string, value: string): TestId[] {
  const ids = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (ids.length === 0) throw new UsageError(`${name} needs test ids (${TEST_IDS.join(', ')})`);
  for (const id of ids) {
    if (!(TEST_IDS as readonly string[]).includes(id)) {
      throw new UsageError(`${name}: unknown test "${id}" (tests: ${TEST_IDS.join(', ')})`);
    }
  }
  return ids as TestId[];
}

function parseCount(name: string, value: string): number {
  if (!/^[1-9]\d{0,3}$/.test(value))
    throw new UsageError(`${name} expects a whole number from 1 to 9999, got "${value}"`);
  return Number(value);
}

/** "512MB", "2GB", "64KB", "1000" (bytes). */
export function parseSize(name: string, value: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(|B|KB|MB|GB)$/i.exec(value.trim());
  const unit = { '': 1, b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 }[
    (m?.[2] ?? '').toLowerCase() as '' | 'b' | 'kb' | 'mb' | 'gb'
  ];
  const bytes = m ? Math.round(Number(m[1]) * unit) : NaN;
  if (!(bytes >= 4096))
    throw new UsageError(`${name} expects a size such as 512MB or 2GB (at least 4KB), got "${value}"`);
  return bytes;
}

function checkImpl(dir: string): void {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    throw new UsageError(`--impl: ${dir} is not a directory`);
  }
  for (const file of ['coordinator.ts', 'worker.ts']) {
    if (!fs.existsSync(path.join(dir, file))) {
      throw new UsageError(`${dir} has no ${file}: is it an implementation folder like src/mr?`);
    }
  }
}

/**
 * Expands a glob whose wildcards (* and ?) are in the file name only, as
 * '/data/pg-*.txt'. The result is sorted by code point, as the shell does in
 * the C locale.
 */
export function expandGlob(glob: string): string[] {
  const abs = path.resolve(glob);
  const dir = path.dirname(abs);
  const base = path.basename(abs);
  if (/[*?[\]]/.test(dir)) throw new UsageError(`--inputs: wildcards are allowed only in the file name ("${glob}")`);
  const pattern = new RegExp(
    '^' +
      base
        .replace(/[.+^${}()|\\]/g, '\\$&')
        .replace(/\*/g, '[^/]*')
        .replace(/\?/g, '[^/]') +
      '$',
  );
  let names: string[] = [];
  try {
    names = fs.readdirSync(dir).filter((n) => pattern.test(n) && fs.statSync(path.join(dir, n)).isFile());
  } catch {
    names = [];
  }
  if (names.length === 0) throw new UsageError(`no input files match ${glob}`);
  return names.sort().map((n) => path.join(dir, n));
}
