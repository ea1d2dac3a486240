// The grader's command line: `test-mr [quiet] [options]`. Bad input is a
// UsageError, which cli.ts prints as one line before exiting with status 2.

import * as fs from 'fs';
import * as path from 'path';
import { COURSE_IDS, EXTENDED_IDS, TEST_IDS, TestId } from './catalog';
import { Budgets, DEFAULT_BUDGETS } from './sandbox';

/** A problem with the command line, shown to the user as one line. */
export class UsageError extends Error {}

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

export const USAGE = `usage: test-mr [quiet] [options]

Grades a MapReduce implementation with the course's seven tests.

options:
  --impl DIR           grade DIR (coordinator.ts, worker.ts, rpc.ts, transport.ts,
                       mr.proto) instead of src/mr
  --only NAMES         run only these tests (comma-separated ids)
  --skip NAMES         run all tests but these
                       ids: ${COURSE_IDS.join(', ')}
                       extended: ${EXTENDED_IDS.join(', ')}
  --inputs GLOB        input files (default: the kit's inputs/gen-*.txt)
  quiet, --quiet       hide the output of coordinators and workers
  --many N             run the suite N times ...
  --parallel P         ... P at a time, then print a table of failures and times
  --seed S             seed of the crash app (random when not given)
  --json FILE          write the results as JSON
  --gradescope FILE    write a Gradescope results.json (points: grader/points.json)
  --junit FILE         write JUnit XML
  --timeout-scale X    multiply every time limit by X (default 1)
  --keep               keep every test's directory, not only failed ones
  --extended           also run the extended tier (stricter tests beyond the course's)
  --trace              write a timeline (timeline.html) for every test, not only failed ones
  --submissions DIR    bulk grading: grade DIR/<student>/**/src/mr for every sub-folder
  --out DIR            bulk grading: write grades.csv and grades.json into DIR
  --memory-limit SIZE  memory of one test's processes together (default 2GB)
  --disk-limit SIZE    disk one test's processes may write (default 1GB)
  --output-limit SIZE  output one process may print (default 64MB)
  --task-limit N       processes and threads of one test at once (default 512)
  --require-wall       refuse to grade unless student code runs under sandbox user ids
                       (needs root; what bulk grading and the Gradescope autograder use)
  --help               show this help`;

/** Parses argv (without node and the script). `kit` is the kit's root folder. */
export function parseOptions(argv: string[], kit: string): Options {
  const opts: Options = {
    impl: path.join(kit, 'src', 'mr'),
    tests: [...COURSE_IDS],
    inputs: [],
    inputsGlob: '',
    quiet: false,
    many: 1,
    parallel: 1,
    seed: '',
    seedGiven: false,
    timeoutScale: 1,
    keep: false,
    help: false,
    extended: false,
    trace: false,
    budgets: { ...DEFAULT_BUDGETS },
    requireWall: false,
  };
  let only: TestId[] | undefined;
  let skip: TestId[] = [];
  let inputsGlob = path.join(kit, 'inputs', 'gen-*.txt');
  let parallelGiven = false;

  for (let i = 0; i < argv.length; i++) {
    const raw = argv[i];
    const eq = raw.startsWith('--') ? raw.indexOf('=') : -1;
    const name = eq > 0 ? raw.slice(0, eq) : raw;
    const inline = eq > 0 ? raw.slice(eq + 1) : undefined;
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined || v === '') throw new UsageError(`${name} needs a value`);
      return v;
    };
    const flag = (): void => {
      if (inline !== undefined) throw new UsageError(`${name} takes no value`);
    };
    switch (name) {
      case 'quiet':
      case '--quiet':
        flag();
        opts.quiet = true;
        break;
      case '--help':
      case '-h':
        flag();
        opts.help = true;
        break;
      case '--keep':
        flag();
        opts.keep = true;
        break;
      case '--extended':
        flag();
        opts.extended = true;
        break;
      case '--trace':
        flag();
        opts.trace = true;
        break;
      case '--submissions':
        opts.submissions = path.resolve(value());
        break;
      case '--out':
        opts.out = path.resolve(value());
        break;
      case '--impl':
        opts.impl = path.resolve(value());
        break;
      case '--only':
        only = parseTestList(name, value());
        break;
      case '--skip':
        skip = parseTestList(name, value());
        break;
      case '--inputs':
        inputsGlob = value();
        break;
      case '--many':
        opts.many = parseCount(name, value());
        break;
      case '--parallel':
        opts.parallel = parseCount(name, value());
        parallelGiven = true;
        break;
      case '--seed':
        opts.seed = value();
        opts.seedGiven = true;
        break;
      case '--json':
        opts.json = path.resolve(value());
        break;
      case '--gradescope':
        opts.gradescope = path.resolve(value());
        break;
      case '--junit':
        opts.junit = path.resolve(value());
        break;
      case '--timeout-scale': {
        const v = value();
        const x = Number(v);
        if (!/^\d*\.?\d+$/.test(v) || !(x > 0) || x > 100) {
          throw new UsageError(`--timeout-scale expects a number above 0 (at most 100), got "${v}"`);
        }
        opts.timeoutScale = x;
        break;
      }
      case '--require-wall':
        flag();
        opts.requireWall = true;
        break;
      case '--memory-limit':
        opts.budgets.memoryBytes = parseSize(name, value());
        break;
      case '--disk-limit':
        opts.budgets.diskBytes = parseSize(name, value());
        break;
      case '--output-limit':
        opts.budgets.outputBytes = parseSize(name, value());
        break;
      case '--task-limit':
        opts.budgets.tasks = parseCount(name, value());
        break;
      default:
        throw new UsageError(`unknown option "${raw}" (see --help)`);
    }
  }
  if (opts.help) return opts;
  if (opts.requireWall && process.getuid?.() !== 0) {
    throw new UsageError('--require-wall needs root: only root can run student code under sandbox user ids');
  }

  if (only && skip.length) throw new UsageError('--only and --skip cannot be used together');
  // --only names exactly the tests to run; otherwise the course's seven, then the extended tier with --extended.
  const pool: readonly TestId[] = opts.extended ? TEST_IDS : COURSE_IDS;
  opts.tests = only ? TEST_IDS.filter((id) => only!.includes(id)) : pool.filter((id) => !skip.includes(id));
  if (opts.tests.length === 0) throw new UsageError('no test left to run');
  if (parallelGiven && opts.many === 1 && opts.parallel > 1 && !opts.submissions) {
    throw new UsageError('--parallel needs --many N (the number of runs)');
  }
  if (opts.parallel > opts.many && !opts.submissions) opts.parallel = opts.many;

  checkImpl(opts.impl);
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
