// The extended tier (grader/labs/mr/tiers/extended.ts): off by default, added after the
// course's seven by --extended, nameable in --only; the reference solution
// passes all of it, the untouched skeleton fails all of it fast.

import * as fs from 'fs';
import * as path from 'path';
import { CHALLENGE_IDS, COURSE_IDS, DISPLAY_NAMES, EXTENDED_IDS, MR, spec, TEST_IDS } from './ids';
import { ihash } from '../../../src/kit/hash';
import { parseOptions as parse } from '../../../grader/core/options';
import { readPoints } from '../../../grader/core/points';
import { ihash as kitIhash } from '../../../src/mr/worker';
import {
  COURSE_NAMES,
  groupAlive,
  isAlive,
  makeTmp,
  removeTmp,
  ROOT,
  runGrader,
  SOLUTION,
  verdicts,
} from './grader-helpers';

/** The lab's own ids of the tests a command line selects. */
const parseOptions = (argv: string[], kit: string) => ({ tests: parse(MR, argv, kit).tests.map((e) => e.spec.id) });
const EXTENDED_NAMES = EXTENDED_IDS.map((id) => DISPLAY_NAMES[id]);

let tmp: string;
beforeAll(() => {
  tmp = makeTmp();
});
afterAll(() => removeTmp(tmp));

describe('options and catalog', () => {
  test("the default is the course's seven; --extended adds the tier after them", () => {
    expect(parseOptions([], ROOT).tests).toEqual([...COURSE_IDS]);
    expect(parseOptions(['--extended'], ROOT).tests).toEqual([...COURSE_IDS, ...EXTENDED_IDS]);
    expect(parseOptions(['--extended', '--skip', 'crash,layout'], ROOT).tests).toEqual([
      ...COURSE_IDS.filter((id) => id !== 'crash'),
      ...EXTENDED_IDS.filter((id) => id !== 'layout'),
    ]);
    expect(parseOptions(['--skip', 'layout'], ROOT).tests).toEqual([...COURSE_IDS]);
  });

  test('--only names extended tests, in the catalog order, with or without --extended', () => {
    expect(parseOptions(['--only', 'reduce-count,wc,layout'], ROOT).tests).toEqual(['wc', 'layout', 'reduce-count']);
    expect(parseOptions(['--only', 'hung-worker', '--extended'], ROOT).tests).toEqual(['hung-worker']);
    expect(() => parseOptions(['--only', 'layuot'], ROOT)).toThrow(/unknown test "layuot"/);
  });

  test('every test is declared once, with a name of its own, and points.json names exactly those tests', () => {
    expect(TEST_IDS).toHaveLength(34);
    expect(new Set(TEST_IDS).size).toBe(TEST_IDS.length);
    expect(new Set(Object.values(DISPLAY_NAMES)).size).toBe(TEST_IDS.length);
    for (const id of TEST_IDS) expect(spec(id).limitMs).toBeGreaterThan(0);
    const inFile = Object.keys(
      JSON.parse(fs.readFileSync(path.join(ROOT, 'grader', 'labs', 'mr', 'points.json'), 'utf8')),
    );
    expect([...inFile].sort()).toEqual([...TEST_IDS].sort());
    const points = readPoints(ROOT, MR);
    for (const id of EXTENDED_IDS) expect(points[id]).toBeGreaterThan(0);
    for (const id of CHALLENGE_IDS) expect(points[id]).toBe(0); // the challenge track is for no credit, unless the instructor says
  });

  test("the grader's ihash is 31-bit FNV-1a", () => {
    expect(ihash('a')).toBe(1678518572);
    expect(ihash('hello')).toBe(1335831723);
    expect(ihash('')).toBe(0x811c9dc5 & 0x7fffffff);
  });

  test("the grader's ihash agrees with the kit's (it may not import src/)", () => {
    const keys = [
      'the',
      'The',
      "don't",
      'café',
      '\u{10400}',
      'a b',
      ...Array.from({ length: 300 }, (_, i) => `k${i * 7919}`),
    ];
    for (const key of keys) expect([key, ihash(key)]).toEqual([key, kitIhash(key)]);
  });
});

test('the reference solution passes every extended test', async () => {
  const json = path.join(tmp, 'solution.json');
  const run = await runGrader(
    ['quiet', '--impl', SOLUTION, '--only', EXTENDED_IDS.join(','), '--json', json],
    tmp,
    480_000,
  );
  if (run.code !== 0) console.log(run.stdout, run.stderr);
  expect(run.code).toBe(0);
  expect(verdicts(run.stdout)).toEqual(EXTENDED_NAMES.map((n) => [n, 'PASS']));
  expect(run.stdout.match(/^\*\*\* Starting (.+) test\.$/gm)).toEqual(
    EXTENDED_NAMES.map((n) => `*** Starting ${n} test.`),
  );
  const summary = JSON.parse(fs.readFileSync(json, 'utf8'));
  for (const pid of summary.pids) {
    expect(isAlive(pid)).toBe(false); // also the worker frozen by the hung-worker test
    expect(groupAlive(pid)).toBe(false);
  }
}, 510_000);

test("the skeleton fails the extended tier fast; --extended runs it after the course's tests", async () => {
  const json = path.join(tmp, 'skeleton.json');
  const skip = COURSE_IDS.filter((id) => id !== 'wc').join(',');
  // Nineteen extended tests, each failed within about 5 s of the skeleton's workers exiting (plus the build).
  const run = await runGrader(['quiet', '--extended', '--skip', skip, '--json', json], tmp, 240_000);
  expect(run.code).toBe(1);
  expect(run.ms).toBeLessThan(180_000);
  expect(verdicts(run.stdout)).toEqual([['wc', 'FAIL'], ...EXTENDED_NAMES.map((n) => [n, 'FAIL'])]);
  expect(COURSE_NAMES[0]).toBe('wc');
  expect(run.stdout).toMatch(/hung worker test: FAIL\n\s+every worker exited before any of them started a map task/);
  expect(run.stdout).toMatch(
    /coordinator loss test: FAIL\n\s+every worker exited before any of them started a map task/,
  );
  const summary = JSON.parse(fs.readFileSync(json, 'utf8'));
  for (const t of summary.runs[0].tests) {
    expect(t.passed).toBe(false);
    expect(t.notes.length).toBeGreaterThan(0);
  }
  for (const pid of summary.pids) expect(isAlive(pid)).toBe(false);
}, 260_000);
