// The reports, fed a summary: Gradescope's results.json and JUnit XML for a
// skipped test, a harness error (the grader's, not the student's), and a
// seeded test's failure, which a student must be able to act on in their
// own clone (its seed and replay command; no folder of the grading machine).

import { gradescopeResults } from '../../grader/reports/gradescope';
import { junitXml } from '../../grader/reports/junit';
import { manyTable } from '../../grader/reports/many';
import type { Summary, TestResult } from '../../grader/core/summary';

function result(over: Partial<TestResult> & Pick<TestResult, 'test' | 'name'>): TestResult {
  return {
    id: `mr/${over.test}`,
    tier: 'course',
    run: 1,
    status: 'passed',
    passed: true,
    durationMs: 500,
    notes: [],
    ...over,
  };
}

function summary(tests: TestResult[], runs = 1): Summary {
  return {
    lab: 'mr',
    kit: '/kit',
    impl: '/kit/src/mr',
    seed: 's',
    startedAt: new Date(0).toISOString(),
    durationMs: 1000,
    build: { ok: true, message: '' },
    runs: Array.from({ length: runs }, (_, i) => ({
      run: i + 1,
      seed: runs > 1 ? `s.${i + 1}` : 's',
      durationMs: 1000,
      tests: tests.map((t) => ({ ...t, run: i + 1 })),
    })),
    pids: [],
    passed: tests.every((t) => t.passed),
    harnessError: tests.some((t) => t.status === 'error'),
  };
}

const selected = (s: Summary) => s.runs[0].tests.map((t) => ({ id: t.id, test: t.test, name: t.name }));

test('a skipped test is SKIP in JUnit and earns no points in Gradescope, beside a passed one', () => {
  const why = 'skipped: the two hosts are network namespaces, and network namespaces need root';
  const s = summary([
    result({ test: 'shuffle-wc', name: 'local shuffle (wc)' }),
    result({ test: 'two-hosts', name: 'two hosts', status: 'skipped', skipped: why }),
  ]);
  const gradescope = gradescopeResults(s, { 'shuffle-wc': 3, 'two-hosts': 4 }, selected(s));
  expect(gradescope.score).toBe(3);
  const twoHosts = gradescope.tests.find((t) => t.name === 'two hosts test')!;
  expect(twoHosts).toMatchObject({ score: 0, max_score: 4 });
  expect(twoHosts.output).toContain(why);

  const xml = junitXml(s);
  expect(xml).toContain('skipped="1"');
  expect(xml).toMatch(/<testcase classname="mr" name="two hosts"[^>]*>\s*<skipped message="skipped: the two hosts/);
  expect(xml).not.toContain('<failure');
});

test('a harness error scores 0, says "grader error, not your fault" in Gradescope and is an <error> in JUnit', () => {
  const s = summary([
    result({ test: 'wc', name: 'wc' }),
    result({
      test: 'crash',
      name: 'crash',
      status: 'error',
      passed: false,
      notes: ['grader error, not your fault: TypeError: x is undefined', '    at Job.start (job.ts:1:1)'],
    }),
  ]);
  const g = gradescopeResults(s, { wc: 10, crash: 20 }, selected(s));
  expect(g.score).toBe(10);
  expect(g.tests.find((t) => t.name === 'crash test')).toMatchObject({ score: 0, status: 'failed' });
  expect(g.tests.find((t) => t.name === 'crash test')!.output).toContain('grader error, not your fault');
  expect(g.output).toContain('grader error, not your fault');
  const xml = junitXml(s);
  expect(xml).toMatch(/<error message="grader error, not your fault" type="GraderError">/);
  expect(xml).toContain('errors="1"');
  expect(xml).not.toContain('<failure');
});

test("a failed seeded test shows its seed and a replay command for the student's clone, and no grading-machine folder", () => {
  const s = summary([
    result({
      test: 'crash',
      name: 'crash',
      status: 'failed',
      passed: false,
      notes: ["crash output is not the same as mrsequential's"],
      dir: '/tmp/mr-grade-XYZ/7-crash',
      seed: 'abc',
      replay: { label: 'crash seed', command: 'npm run test-mr -- --only crash --seed abc' },
    }),
  ]);
  const out = gradescopeResults(s, { crash: 20 }, selected(s)).tests[0].output;
  expect(out).toContain('crash seed abc; to replay it in your own clone: npm run test-mr -- --only crash --seed abc');
  expect(out).not.toContain('/tmp/');
  expect(out).not.toContain('artifacts');
  expect(junitXml(s)).toContain('artifacts: /tmp/mr-grade-XYZ/7-crash'); // JUnit is the instructor's: where to look
});

test('tests not run yet are listed at 0 in a report written before the end', () => {
  const s = summary([result({ test: 'wc', name: 'wc' })]);
  const all = [...selected(s), { id: 'mr/crash', test: 'crash', name: 'crash' }];
  const g = gradescopeResults(s, { wc: 10, crash: 20 }, all);
  expect(g.tests.map((t) => [t.name, t.score, t.output])).toEqual([
    ['wc test', 10, 'PASS (0.5 s)'],
    ['crash test', 0, 'not run: the grader stopped before it'],
  ]);
});

test('the --many table gives each test its failures, mean time and the seeds it failed on', () => {
  const s = summary([result({ test: 'wc', name: 'wc' })], 3);
  s.runs[1].tests[0] = { ...s.runs[1].tests[0], status: 'failed', passed: false };
  expect(manyTable(s)).toEqual(['test  failed  mean time  failed seeds', 'wc       1/3      0.5 s  s.2']);
});
