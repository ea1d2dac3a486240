// The grader on the untouched skeleton (src/mr): every test must fail, fast
// (the coordinator never finishes and the workers exit at once), and no
// process may be left behind.

import * as fs from 'fs';
import * as path from 'path';
import { COURSE_NAMES, groupAlive, isAlive, makeTmp, removeTmp, runGrader, verdicts } from './grader-helpers';

let tmp: string;
beforeAll(() => {
  tmp = makeTmp();
});
afterAll(() => removeTmp(tmp));

test('the skeleton fails every test within 60 s and leaves no process behind', async () => {
  const json = path.join(tmp, 'results.json');
  const gradescope = path.join(tmp, 'gradescope.json');
  const junit = path.join(tmp, 'junit.xml');
  const run = await runGrader(
    ['quiet', '--json', json, '--gradescope', gradescope, '--junit', junit, '--seed', 'skel'],
    tmp,
    120_000,
  );
  expect(run.code).toBe(1);
  expect(run.ms).toBeLessThan(60_000); // the brief's bound for a stuck job; each test detects it in seconds
  expect(verdicts(run.stdout)).toEqual(COURSE_NAMES.map((n) => [n, 'FAIL']));
  expect(run.stdout).toMatch(/\*\*\* FAILED SOME TESTS\s*$/);
  expect(run.stdout).toMatch(/wc test: FAIL\n\s+the job did not finish: all 3 workers exited/);
  expect(run.stdout).toMatch(/crash seed skel; to replay: npm run test-mr -- --only crash --seed skel/);

  const summary = JSON.parse(fs.readFileSync(json, 'utf8'));
  expect(summary.passed).toBe(false);
  const tests = summary.runs[0].tests;
  expect(tests).toHaveLength(7);
  // every failed test kept its folder, with the logs of its processes and the expected output
  for (const t of tests) {
    expect(t.passed).toBe(false);
    expect(t.notes.length).toBeGreaterThan(0);
    expect(fs.existsSync(t.dir)).toBe(true);
    expect(run.stdout).toContain(`artifacts: ${t.dir}`);
    const files = fs.readdirSync(t.dir);
    expect(files.some((f) => /^coordinator-\d+\.log$/.test(f))).toBe(true);
    expect(files.some((f) => /^worker-\d+\.log$/.test(f))).toBe(true);
  }
  expect(fs.readFileSync(path.join(tests[0].dir, 'mr-correct-wc.txt'), 'utf8')).toMatch(/^\S+ \d+\n/);

  // no process the grader started is still there
  expect(summary.pids.length).toBeGreaterThanOrEqual(7 * 3);
  for (const pid of summary.pids) {
    expect(isAlive(pid)).toBe(false);
    expect(groupAlive(pid)).toBe(false);
  }
  // only the kept test folders (and their inputs) remain; no socket folder
  const left = fs.readdirSync(tmp).filter((n) => !/\.(json|xml)$/.test(n));
  expect(left).toHaveLength(1);
  expect(left[0]).toMatch(/^mr-grade-/);

  const gs = JSON.parse(fs.readFileSync(gradescope, 'utf8'));
  expect(gs.score).toBe(0);
  expect(gs.tests).toHaveLength(7);
  for (const t of gs.tests) {
    expect(t.status).toBe('failed');
    expect(t.score).toBe(0);
    expect(t.max_score).toBeGreaterThanOrEqual(0);
  }
  const xml = fs.readFileSync(junit, 'utf8');
  expect(xml.match(/<testcase /g)).toHaveLength(7);
  expect(xml.match(/<failure /g)).toHaveLength(7);
}, 130_000);
