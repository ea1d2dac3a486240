// The grader end to end on the reference solution (labs/mr/solution): the
// full course suite passes, and the report files say so; then --many with
// --parallel on a fast subset.

import * as fs from 'fs';
import * as path from 'path';
import { COURSE_NAMES, isAlive, makeTmp, removeTmp, ROOT, runGrader, SOLUTION, verdicts } from './grader-helpers';

let tmp: string;
beforeAll(() => {
  tmp = makeTmp();
});
afterAll(() => removeTmp(tmp));

test('the reference solution passes the full suite', async () => {
  const json = path.join(tmp, 'results.json');
  const gradescope = path.join(tmp, 'gradescope.json');
  const junit = path.join(tmp, 'junit.xml');
  const run = await runGrader(
    ['quiet', '--impl', SOLUTION, '--json', json, '--gradescope', gradescope, '--junit', junit],
    tmp,
    420_000,
  );
  if (run.code !== 0) console.log(run.stdout, run.stderr);
  expect(run.code).toBe(0);
  expect(verdicts(run.stdout)).toEqual(COURSE_NAMES.map((n) => [n, 'PASS']));
  expect(run.stdout).toMatch(/\*\*\* PASSED ALL TESTS\s*$/);

  const points: Record<string, number> = JSON.parse(
    fs.readFileSync(path.join(ROOT, 'grader', 'labs', 'mr', 'points.json'), 'utf8'),
  );
  const courseIds = ['wc', 'indexer', 'map-parallelism', 'reduce-parallelism', 'job-count', 'early-exit', 'crash'];
  const total = courseIds.reduce((a, id) => a + (points[id] ?? 0), 0); // the extended tier did not run
  const gs = JSON.parse(fs.readFileSync(gradescope, 'utf8'));
  expect(gs.score).toBe(total);
  expect(typeof gs.execution_time).toBe('number');
  expect(gs.tests.map((t: { name: string }) => t.name)).toEqual(COURSE_NAMES.map((n) => `${n} test`));
  for (const t of gs.tests) {
    expect(t.status).toBe('passed');
    expect(t.score).toBe(t.max_score);
    expect(typeof t.output).toBe('string');
  }
  expect(gs.tests.reduce((s: number, t: { score: number }) => s + t.score, 0)).toBe(total);

  const xml = fs.readFileSync(junit, 'utf8');
  expect(xml).toMatch(/^<\?xml[^>]*\?>\n<testsuites /);
  expect(xml.match(/<testsuite /g)).toHaveLength(1);
  expect(xml.match(/<testcase /g)).toHaveLength(7);
  expect(xml).not.toContain('<failure');

  const summary = JSON.parse(fs.readFileSync(json, 'utf8'));
  expect(summary.passed).toBe(true);
  for (const pid of summary.pids) expect(isAlive(pid)).toBe(false);
  expect(fs.readdirSync(tmp).filter((n) => !/\.(json|xml)$/.test(n))).toEqual([]); // nothing kept
}, 450_000);

test('--many 2 --parallel 2 runs the suite twice at once and prints a table', async () => {
  const json = path.join(tmp, 'many.json');
  const run = await runGrader(
    ['--impl', SOLUTION, '--only', 'wc', '--many', '2', '--parallel', '2', '--json', json],
    tmp,
    180_000,
  );
  if (run.code !== 0) console.log(run.stdout, run.stderr);
  expect(run.code).toBe(0);
  expect(run.stdout).toMatch(/^\[run 1\] --- wc test: PASS$/m);
  expect(run.stdout).toMatch(/^\[run 2\] --- wc test: PASS$/m);
  expect(run.stdout).toMatch(/^test\s+failed\s+mean time\s+failed seeds$/m);
  expect(run.stdout).toMatch(/^wc\s+0\/2\s+\d+\.\d s$/m); // no seed failed
  expect(run.stdout).not.toContain('*** Starting'); // process output and start lines are hidden when parallel
  const summary = JSON.parse(fs.readFileSync(json, 'utf8'));
  expect(summary.runs.map((r: { run: number }) => r.run)).toEqual([1, 2]);
  expect(new Set(summary.runs.map((r: { seed: string }) => r.seed)).size).toBe(2);
}, 200_000);

test("the challenge track's reference solution is graded in the course's mode as any other: no backup copy there", async () => {
  // Its backups run early copies of slow tasks, which the course's rule 7 forbids: it issues them only in the
  // challenge's mode. These tests held it to the rule (a copy 5 s after the first) before it kept it.
  const json = path.join(tmp, 'challenge-in-course-mode.json');
  const impl = path.join(ROOT, 'labs', 'mr', 'solution-challenge');
  const run = await runGrader(
    ['quiet', '--impl', impl, '--only', 'straggler-map,late-report,crash', '--json', json],
    tmp,
    300_000,
  );
  if (run.code !== 0) console.log(run.stdout, run.stderr);
  expect(run.code).toBe(0);
  const tests = JSON.parse(fs.readFileSync(json, 'utf8')).runs[0].tests;
  expect(tests.map((t: { test: string; status: string; notes: string[] }) => [t.test, t.status, t.notes])).toEqual([
    ['crash', 'passed', []],
    ['straggler-map', 'passed', []],
    ['late-report', 'passed', []],
  ]);
}, 330_000);
