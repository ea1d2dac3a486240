// The grader's command line for one lab: `<command> [quiet] [options]`
// (`test-mr`, or `grade mr`). One table (commandLine) is both what is parsed
// and what --help shows: the core's options, the lab's tiers as flags, then
// the lab's own options. Bad input is a UsageError, which cli.ts prints as
// one line before exiting with status 2.

import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CommandLine, OptionTable, parseCommandLine, UsageError } from '../../src/kit/args';
import { Budgets, DEFAULT_BUDGETS } from '../sandbox/budgets';
import { Catalog, Entry } from './catalog';
import type { Lab } from './lab';

export { UsageError };

export interface Options {
  lab: Lab;
  catalog: Catalog;
  /** Absolute path of the folder graded (the lab's student folder by default). */
  impl: string;
  /** How diagnoses name it (--impl-label): Gradescope's run names a student's copy as the lab's folder. */
  implLabel?: string;
  /** The selected tests, in the lab's order. */
  tests: Entry[];
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
  /** Write the debugging aids (a timeline) of every test, not only of failed ones. */
  trace: boolean;
  /** Bulk grading: a folder holding one sub-folder per student. */
  submissions?: string;
  /** Bulk grading: where the grades, and what each student's failed tests left, go. */
  out?: string;
  /** What one test's student processes may use (memory, tasks, disk, output). */
  budgets: Budgets;
  /** Refuse to grade unless the student's processes run behind the user-id wall (bulk grading, Gradescope). */
  requireWall: boolean;
  /** The lab's own options, as its parseOptions made them. */
  labOptions: unknown;
  /** What chose the tests and the lab's options on this command line, for the graders bulk grading starts. */
  passThrough: string[];
}

/** Options that choose what runs and how: bulk grading hands them on to each student's grader. */
const PASSED_ON = [
  'only',
  'skip',
  'tiers',
  'timeout-scale',
  'memory-limit',
  'disk-limit',
  'output-limit',
  'task-limit',
];

function coreOptions(lab: Lab): OptionTable {
  return {
    impl: { value: 'DIR', help: `grade DIR (${lab.student.files.join(', ')}) instead of ${lab.student.dir}` },
    'impl-label': { value: 'NAME', help: `name DIR so in diagnoses (the Gradescope run: ${lab.student.dir})` },
    only: { value: 'NAMES', help: 'run only these tests (comma-separated ids, below, or tiers)' },
    skip: { value: 'NAMES', help: 'run all tests but these' },
    tiers: { value: 'NAMES', help: `run exactly these tiers (${lab.tiers.map((t) => t.id).join(', ')})` },
    quiet: { help: 'hide the output of the processes under test' },
    many: { value: 'N', help: 'run the suite N times ...' },
    seeds: { value: 'N', help: 'the same: N seeds of each test (the table lists the seeds that failed)' },
    parallel: {
      value: 'P',
      help: lab.testsAtOnce
        ? `... P at a time, then print a table of failures and times; without --many, P tests at once (default ${defaultTestsAtOnce(lab)})`
        : '... P at a time, then print a table of failures and times',
    },
    seed: { value: 'S', help: 'the seed of what the tests draw at random (random when not given)' },
    json: { value: 'FILE', help: 'write the results as JSON' },
    gradescope: { value: 'FILE', help: `write a Gradescope results.json (points: ${lab.points})` },
    junit: { value: 'FILE', help: 'write JUnit XML' },
    'timeout-scale': { value: 'X', help: 'multiply every time limit by X (default 1)' },
    keep: { help: "keep every test's directory, not only failed ones" },
    trace: { help: 'write the debugging aids (timeline.html) of every test, not only of failed ones' },
    submissions: { value: 'DIR', help: `bulk grading: grade DIR/<student>/**/${lab.student.dir} for every sub-folder` },
    out: { value: 'DIR', help: "bulk grading: write the grades and each student's failed tests into DIR" },
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
    'task-limit': { value: 'N', help: `processes and threads of one test at once (default ${DEFAULT_BUDGETS.tasks})` },
    'require-wall': {
      help: 'refuse to grade unless student code runs under sandbox user ids\n(needs root; what bulk grading and the Gradescope autograder use)',
    },
  };
}

/** The lab's tiers that have a flag of their own (--extended), as options. */
function tierFlags(lab: Lab): OptionTable {
  return Object.fromEntries(lab.tiers.filter((t) => t.flag).map((t) => [t.flag!.name, { help: t.flag!.help }]));
}

export function commandLine(lab: Lab): CommandLine {
  const catalog = new Catalog(lab);
  return {
    usage: `${lab.command} [quiet] [options]`,
    about: lab.about,
    options: { ...coreOptions(lab), ...tierFlags(lab), ...lab.options },
    bareWords: { quiet: 'quiet' },
    epilogue: [
      'test ids (for --only and --skip):',
      ...lab.tiers.map(
        (t) =>
          `  ${t.title}: ${catalog.entries
            .filter((e) => e.tier === t)
            .map((e) => e.spec.id)
            .join(', ')}`,
      ),
    ].join('\n'),
  };
}

/** How many tests of a run go at once unless --parallel says: the lab's choice, one per CPU at most. */
function defaultTestsAtOnce(lab: Lab): number {
  return Math.max(1, Math.min(lab.testsAtOnce ?? 1, os.availableParallelism()));
}

/** Parses argv (without node, the script and the lab's name). `kit` is the kit's root folder. */
export function parseOptions(lab: Lab, argv: string[], kit: string): Options {
  const cli = commandLine(lab);
  const { values: raw, help } = parseCommandLine(cli, argv);
  const values = raw as Record<string, string | boolean | undefined>;
  const str = (name: string): string | undefined =>
    typeof values[name] === 'string' ? (values[name] as string) : undefined;
  const flag = (name: string): boolean => values[name] === true;
  const resolved = (file: string | undefined) => (file === undefined ? undefined : path.resolve(file));
  const catalog = new Catalog(lab);
  const opts: Options = {
    lab,
    catalog,
    impl: path.resolve(str('impl') ?? path.join(kit, lab.student.dir)),
    implLabel: str('impl-label'),
    tests: [],
    quiet: flag('quiet'),
    many: optional(str('many') ?? str('seeds'), (v) => parseCount(str('many') ? '--many' : '--seeds', v), 1),
    parallel: optional(str('parallel'), (v) => parseCount('--parallel', v), defaultTestsAtOnce(lab)),
    seed: str('seed') ?? '',
    seedGiven: str('seed') !== undefined,
    json: resolved(str('json')),
    gradescope: resolved(str('gradescope')),
    junit: resolved(str('junit')),
    timeoutScale: optional(str('timeout-scale'), parseTimeoutScale, 1),
    keep: flag('keep'),
    help,
    trace: flag('trace'),
    submissions: resolved(str('submissions')),
    out: resolved(str('out')),
    budgets: {
      memoryBytes: optional(str('memory-limit'), (v) => parseSize('--memory-limit', v), DEFAULT_BUDGETS.memoryBytes),
      diskBytes: optional(str('disk-limit'), (v) => parseSize('--disk-limit', v), DEFAULT_BUDGETS.diskBytes),
      outputBytes: optional(str('output-limit'), (v) => parseSize('--output-limit', v), DEFAULT_BUDGETS.outputBytes),
      tasks: optional(str('task-limit'), (v) => parseCount('--task-limit', v), DEFAULT_BUDGETS.tasks),
    },
    requireWall: flag('require-wall'),
    labOptions: undefined,
    passThrough: passedOn(lab, values),
  };
  if (opts.help) return opts;
  if (opts.requireWall && process.getuid?.() !== 0) {
    throw new UsageError('--require-wall needs root: only root can run student code under sandbox user ids');
  }

  const only = str('only') === undefined ? undefined : parseList('--only', str('only')!, catalog);
  const skip = str('skip') === undefined ? [] : parseList('--skip', str('skip')!, catalog);
  if (only && skip.length) throw new UsageError('--only and --skip cannot be used together');
  if (str('many') && str('seeds')) throw new UsageError('--many and --seeds are the same option: give one');
  const exact = str('tiers')
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (exact) for (const id of exact) catalog.tier(id);
  const flags = lab.tiers.filter((t) => t.flag && flag(t.flag.name)).map((t) => t.flag!.name);
  opts.tests = catalog.select({ only, skip, flags, exact });
  if (opts.tests.length === 0) throw new UsageError('no test left to run');
  if (str('parallel') !== undefined && opts.many === 1 && opts.parallel > 1 && !opts.submissions && !lab.testsAtOnce) {
    throw new UsageError(`--parallel needs --many N (the number of runs): ${lab.id}'s tests run one at a time`);
  }
  if (opts.many > 1 && opts.parallel > opts.many && !opts.submissions) opts.parallel = opts.many;
  // The lab's tests at once are for one run: --many runs, and bulk grading's students, go one at a time unless asked.
  if ((opts.submissions || opts.many > 1) && str('parallel') === undefined) opts.parallel = 1;

  checkImpl(lab, opts.impl);
  opts.labOptions = lab.parseOptions(values, kit);
  if (!opts.seedGiven) opts.seed = Math.random().toString(36).slice(2, 10);
  for (const file of [opts.json, opts.gradescope, opts.junit]) {
    if (file && !fs.existsSync(path.dirname(file))) {
      throw new UsageError(`cannot write ${file}: no such directory ${path.dirname(file)}`);
    }
  }
  return opts;
}

/** The options bulk grading hands on: those that choose tests, budgets and limits, and the lab's own (absolute paths). */
function passedOn(lab: Lab, values: Record<string, string | boolean | undefined>): string[] {
  const names = [
    ...PASSED_ON,
    ...lab.tiers.filter((t) => t.flag).map((t) => t.flag!.name),
    ...Object.keys(lab.options ?? {}),
  ];
  const args: string[] = [];
  for (const name of names) {
    const v = values[name];
    if (v === true) args.push(`--${name}`);
    else if (typeof v === 'string') args.push(`--${name}`, lab.options?.[name] && /[/.]/.test(v) ? path.resolve(v) : v);
  }
  return args;
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

function parseList(name: string, value: string, catalog: Catalog): string[] {
  const names = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (names.length === 0) throw new UsageError(`${name} needs test ids (${catalog.ids.join(', ')})`);
  return names.flatMap((n) => catalog.resolve(name, n));
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

function checkImpl(lab: Lab, dir: string): void {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    throw new UsageError(`--impl: ${dir} is not a directory`);
  }
  for (const file of lab.student.required) {
    if (!fs.existsSync(path.join(dir, file))) {
      throw new UsageError(`${dir} has no ${file}: is it an implementation folder like ${lab.student.dir}?`);
    }
  }
}
