// The benchmark's command line (scripts/bench/options.ts over src/kit/args.ts):
// the help comes from the option table, every option keeps its meaning, and
// bad input is a UsageError (one line for the user), never a crash.

import * as fs from 'fs';
import * as path from 'path';
import { helpText, UsageError } from '../../src/kit/args';
import { BENCH_CLI, parseOptions, PARTS } from '../../scripts/bench/options';
import { useTempDir } from '../helpers/tmpdir';

const ROOT = path.resolve(__dirname, '..', '..');
const SOLUTION = path.join(ROOT, 'labs', 'mr', 'solution');

describe('the option table', () => {
  test('--help is made from the table: every option, with its value and help', () => {
    const help = helpText(BENCH_CLI);
    expect(help.startsWith(`usage: ${BENCH_CLI.usage}`)).toBe(true);
    for (const [name, spec] of Object.entries(BENCH_CLI.options)) {
      const value = 'value' in spec ? ` ${spec.value}` : '';
      expect(help).toContain(`--${name}${value}`);
      expect(help.replace(/\s+/g, ' ')).toContain(spec.help.split(' ').slice(0, 4).join(' '));
    }
    expect(help).toContain('-h, --help');
    expect(help).toContain(PARTS.join(', '));
  });

  test('-h and --help ask for the help, whatever else is given', () => {
    expect(parseOptions(['--help'], ROOT).help).toBe(true);
    expect(parseOptions(['--quick', '-h'], ROOT).help).toBe(true);
    expect(parseOptions(['--quick'], ROOT).help).toBe(false);
  });
});

describe('parseOptions', () => {
  const tmp = useTempDir('mr-bench-opts-');

  test('the defaults: the reference solution, six parts, 1, 2 and 4 workers, 5 samples, 128 MB', () => {
    const o = parseOptions([], ROOT);
    expect(o.impl).toBe(SOLUTION);
    expect([...o.parts]).toEqual(['grader', 'scaling', 'startup', 'memory', 'shuffle', 'raft']);
    expect(o).toMatchObject({ quick: false, bigSize: '128MB', workers: [1, 2, 4], repeat: 5 });
    expect(o.out).toBe(path.join(ROOT, 'bench-results'));
    expect(o.chartOf).toBeUndefined();
  });

  test('--quick: no grader and no shuffle, 1 and 2 workers, 2 samples; --only picks any part, --quick or not', () => {
    const o = parseOptions(['--quick'], ROOT);
    expect([...o.parts]).toEqual(['scaling', 'startup', 'memory']);
    expect(o).toMatchObject({ quick: true, workers: [1, 2], repeat: 2 });
    expect([...parseOptions(['--quick', '--only', 'shuffle'], ROOT).parts]).toEqual(['shuffle']);
    expect([...parseOptions(['--only', 'shuffle,grader'], ROOT).parts]).toEqual(['shuffle', 'grader']);
  });

  test('each option, in both spellings', () => {
    const impl = path.join(tmp.path, 'impl');
    fs.mkdirSync(impl);
    for (const f of ['coordinator.ts', 'worker.ts']) fs.writeFileSync(path.join(impl, f), '');
    const o = parseOptions(
      [
        `--impl=${impl}`,
        '--only',
        'startup, memory',
        '--gradescope-box',
        '--big-size=64mb',
        '--workers',
        '4,2,2',
        '--repeat=7',
        '--out',
        tmp.path,
      ],
      ROOT,
    );
    expect(o.impl).toBe(impl);
    expect([...o.parts]).toEqual(['startup', 'memory', 'gradescope-box']);
    expect(o.bigSize).toBe('64MB');
    expect(o.workers).toEqual([1, 2, 4]); // sorted, unique, and always with 1: speedups are against one worker
    expect(o.repeat).toBe(7);
    expect(o.out).toBe(tmp.path);
    expect(parseOptions(['--quick', '--workers=3'], ROOT).workers).toEqual([1, 3]);
  });

  test('--chart names an existing report', () => {
    const report = path.join(tmp.path, 'report.json');
    fs.writeFileSync(report, '{}');
    expect(parseOptions(['--chart', report], ROOT).chartOf).toBe(report);
  });

  test.each([
    [['--frobnicate'], /^unknown option "--frobnicate"/],
    [['--quick=yes'], /^--quick takes no value/],
    [['--impl'], /^--impl needs a value/],
    [['stray'], /^unexpected argument "stray"/],
    [['--only', 'speed'], /^--only: unknown part "speed"/],
    [['--only', ','], /^--only needs parts/],
    [['--workers', '0,2'], /^--workers expects counts from 1 to 16/],
    [['--workers', '17'], /^--workers expects counts from 1 to 16/],
    [['--repeat', '0'], /^--repeat expects a whole number from 1 to 99/],
    [['--repeat', '-1'], /^--repeat expects a whole number from 1 to 99/],
    [['--big-size', 'huge'], /^--big-size expects a size such as 128MB/],
    [['--impl', '/nonexistent/impl'], /^--impl: \/nonexistent\/impl is not a directory/],
    [['--impl', __dirname], /^--impl: .* has no coordinator\.ts/],
    [['--chart', '/nonexistent/report.json'], /^--chart: no such file/],
  ])('%j is a UsageError', (argv, message) => {
    expect(() => parseOptions(argv as string[], ROOT)).toThrow(UsageError);
    expect(() => parseOptions(argv as string[], ROOT)).toThrow(message);
  });
});
