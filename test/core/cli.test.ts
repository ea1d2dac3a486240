// The grader's command line and its failure paths that need no working
// implementation: bad options, a non-compiling implementation, --only and
// --skip on the skeleton, and Ctrl-C (SIGINT) in the middle of a test.

import * as fs from 'fs';
import * as path from 'path';
import { commandLine } from '../../grader/core/options';
import { CHALLENGE_IDS, COURSE_IDS, EXTENDED_IDS, MR } from '../labs/mr/ids';
import { helpText } from '../../src/kit/args';
import {
  childrenOf,
  COURSE_NAMES,
  groupAlive,
  isAlive,
  makeTmp,
  removeTmp,
  ROOT,
  runGrader,
  sleep,
  SOLUTION,
  startGrader,
  verdicts,
} from '../labs/mr/grader-helpers';

let tmp: string;
beforeEach(() => {
  tmp = makeTmp();
});
afterEach(() => removeTmp(tmp));

describe('bad options', () => {
  const cases: [string, string[], RegExp][] = [
    ['an unknown option', ['--bogus'], /unknown option "--bogus"/],
    ['an unknown test', ['--only', 'wc,nope'], /unknown test "nope"/],
    ['--only with --skip', ['--only', 'wc', '--skip', 'crash'], /cannot be used together/],
    [
      'skipping every test',
      ['--skip', 'wc,indexer,map-parallelism,reduce-parallelism,job-count,early-exit,crash'],
      /no test left/,
    ],
    ['a missing value', ['--seed'], /--seed needs a value/],
    ['an option given a value it does not take', ['--keep=yes'], /--keep takes no value/],
    ['a stray argument', ['loud'], /unexpected argument "loud" \(see --help\)/],
    ['a bad size', ['--memory-limit', '2XB'], /--memory-limit expects a size/],
    ['a bad --many', ['--many', '0'], /--many expects a whole number/],
    ['a bad --parallel', ['--many', '2', '--parallel', 'x'], /--parallel expects a whole number/],
    ['--parallel without --many', ['--parallel', '2'], /--parallel needs --many/],
    ['a bad --timeout-scale', ['--timeout-scale', '-1'], /--timeout-scale expects a number/],
    ['a missing --impl folder', ['--impl', '/nonexistent/mr'], /is not a directory/],
    ['an --impl folder without the files', ['--impl', 'grader'], /has no coordinator\.ts/],
    ['inputs that match nothing', ['--inputs', '/nonexistent/*.txt'], /no input files match/],
    ['a report in a missing folder', ['--json', '/nonexistent/r.json'], /no such directory/],
  ];
  test.each(cases)('%s: one line, exit 2', async (_what, args, message) => {
    const run = await runGrader(args, tmp, 30_000);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    const lines = run.stderr.split('\n').filter((l) => l.trim());
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^test-mr: /);
    expect(lines[0]).toMatch(message);
  });

  test('--help prints the help of its option table, with every option and test id, and exits 0', async () => {
    const run = await runGrader(['--help'], tmp, 30_000);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`${helpText(commandLine(MR))}\n`);
    expect(run.stdout).toMatch(/^usage: test-mr \[quiet\] \[options\]/);
    for (const [name, spec] of Object.entries(commandLine(MR).options) as [string, { value?: string }][]) {
      expect(run.stdout).toContain(spec.value ? `--${name} ${spec.value}` : `--${name}`);
    }
    expect(run.stdout).toMatch(/^ {2}quiet, --quiet /m);
    for (const id of [...COURSE_IDS, ...EXTENDED_IDS, ...CHALLENGE_IDS])
      expect(run.stdout).toMatch(new RegExp(`\\b${id}\\b`));
  });
});

test('an implementation that does not compile fails every test, showing the compiler message', async () => {
  const impl = path.join(tmp, 'broken');
  fs.mkdirSync(impl);
  for (const name of fs.readdirSync(SOLUTION)) fs.copyFileSync(path.join(SOLUTION, name), path.join(impl, name));
  fs.appendFileSync(path.join(impl, 'worker.ts'), '\nexport const broken: number = "not a number";\n');

  const run = await runGrader(['quiet', '--impl', impl, '--json', path.join(tmp, 'r.json')], tmp, 120_000);
  expect(run.code).toBe(1);
  expect(run.stdout).toContain('*** Cannot build');
  expect(run.stdout).toMatch(/broken\/worker\.ts\(\d+,\d+\): error TS2322/);
  expect(verdicts(run.stdout)).toEqual(COURSE_NAMES.map((n) => [n, 'FAIL']));
  expect(run.stdout).toMatch(/\*\*\* FAILED SOME TESTS\s*$/);
  const summary = JSON.parse(fs.readFileSync(path.join(tmp, 'r.json'), 'utf8'));
  expect(summary.build.ok).toBe(false);
  expect(summary.build.message).toContain('TS2322');
  // the staging folder is gone
  const builds = path.join(ROOT, '.mr-build');
  const left = fs.existsSync(builds) ? fs.readdirSync(builds) : [];
  expect(left.filter((n) => n.startsWith(`${run.pid}-`))).toEqual([]);
}, 150_000);

test('--only and --skip choose the tests, in the course order', async () => {
  const only = await runGrader(['quiet', '--only', 'job-count,wc'], tmp, 120_000);
  expect(only.code).toBe(1);
  expect(verdicts(only.stdout)).toEqual([
    ['wc', 'FAIL'],
    ['job count', 'FAIL'],
  ]);
  expect(only.stdout.match(/^\*\*\* Starting (.+) test\.$/gm)).toEqual([
    '*** Starting wc test.',
    '*** Starting job count test.',
  ]);
  const skip = await runGrader(['quiet', '--skip', 'wc,indexer,map-parallelism,early-exit,crash'], tmp, 120_000);
  expect(verdicts(skip.stdout)).toEqual([
    ['reduce parallelism', 'FAIL'],
    ['job count', 'FAIL'],
  ]);
}, 200_000);

test('SIGINT ends every process the grader started and removes its temporary folders', async () => {
  const { child, done } = startGrader(['--impl', SOLUTION, '--only', 'crash'], tmp);
  const graderPid = child.pid!;
  // Wait until the coordinator and some workers are running.
  let kids: number[] = [];
  for (let i = 0; i < 600 && kids.length < 3; i++) {
    await sleep(100);
    kids = childrenOf(graderPid);
  }
  expect(kids.length).toBeGreaterThanOrEqual(3);
  expect(fs.readdirSync(tmp).length).toBeGreaterThan(0); // its run folder and socket folder
  child.kill('SIGINT');
  const run = await done;
  expect(run.code).toBe(130);
  expect(run.stderr).toMatch(/interrupted by SIGINT/);
  for (const pid of kids) {
    expect(isAlive(pid)).toBe(false);
    for (let i = 0; i < 50 && groupAlive(pid); i++) await sleep(100); // an unreaped zombie counts here
    expect(groupAlive(pid)).toBe(false);
  }
  expect(fs.readdirSync(tmp)).toEqual([]);
  const builds = path.join(ROOT, '.mr-build');
  const left = fs.existsSync(builds) ? fs.readdirSync(builds) : [];
  expect(left.filter((n) => n.startsWith(`${graderPid}-`))).toEqual([]);
}, 120_000);

test('a process past its time limit is killed with its group, and the test fails saying so', async () => {
  const json = path.join(tmp, 'r.json');
  // job count's maps take 2-5 s each: with 45 s x 0.05 = 2.25 s per process, some process runs out of time
  const run = await runGrader(
    ['quiet', '--impl', SOLUTION, '--only', 'job-count', '--timeout-scale', '0.05', '--json', json],
    tmp,
    60_000,
  );
  expect(run.code).toBe(1);
  expect(verdicts(run.stdout)).toEqual([['job count', 'FAIL']]);
  expect(run.stdout).toMatch(/ran past its [\d.]+ s limit and was killed/);
  const summary = JSON.parse(fs.readFileSync(json, 'utf8'));
  for (const pid of summary.pids) {
    expect(isAlive(pid)).toBe(false);
    expect(groupAlive(pid)).toBe(false);
  }
}, 90_000);

test("a crash in the student's code is shown by its error line and its own .ts line, not compiled JavaScript", async () => {
  const impl = path.join(tmp, 'impl');
  fs.cpSync(SOLUTION, impl, { recursive: true });
  const file = path.join(impl, 'worker.ts');
  const text = fs.readFileSync(file, 'utf8');
  const anchor = '  try {\n    for (;;) {';
  expect(text.includes(anchor)).toBe(true);
  const broken = text.replace(
    anchor,
    `  const broken: any = undefined;\n  if (process.pid > 0) broken.push(1);\n${anchor}`,
  );
  fs.writeFileSync(file, broken);
  const line = broken.split('\n').findIndex((l) => l.includes('broken.push(1)')) + 1;
  const run = await runGrader(['quiet', '--impl', impl, '--only', 'wc'], tmp, 120_000);
  expect(verdicts(run.stdout)).toEqual([['wc', 'FAIL']]);
  expect(run.stdout).toContain("TypeError: Cannot read properties of undefined (reading 'push')");
  expect(run.stdout).toContain(`at worker (${impl}/worker.ts:${line}:`);
  expect(run.stdout).not.toMatch(/\.mr-build|worker\.js:/);
}, 150_000);

test('a test that reads the output when a foreground worker exits says when that was and who was still running', async () => {
  const impl = path.join(tmp, 'impl-leaves');
  fs.cpSync(SOLUTION, impl, { recursive: true });
  const file = path.join(impl, 'worker.ts');
  const text = fs.readFileSync(file, 'utf8');
  const anchor = "      if (!(await call('ReportTask', report))) return;\n";
  expect(text.includes(anchor)).toBe(true);
  fs.writeFileSync(file, text.replace(anchor, `${anchor}      return; // leaves after one task\n`));
  const run = await runGrader(['quiet', '--impl', impl, '--only', 'indexer'], tmp, 120_000);
  expect(verdicts(run.stdout)).toEqual([['indexer', 'FAIL']]);
  expect(run.stdout).toMatch(
    /\(output read at \d+\.\d s, when worker 2 \(pid \d+\) exited with status 0; still running then: coordinator \(pid \d+\)/,
  );
}, 150_000);
