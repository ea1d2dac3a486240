// The zoo of Raft bugs (zoo/defects.ts): each defect, a small edit of the
// reference solution, fails its named test on its recorded seed, for its
// named reason; the reference passes that test on that seed; and the course
// tests a defect names pass it all the same (what only the strict tier
// sees). Everything runs in this one process, in virtual time.

import * as path from 'path';
import { makeTempDir, removeTempDir } from '../../helpers/tmpdir';
import { runSpec, SOLUTION, spec, useRaftBuild } from './helpers';
import { buildDefect } from './zoo/build';
import { DEFECTS, type RaftDefect } from './zoo/defects';

const reference = useRaftBuild(SOLUTION);
const builds = new Map<string, string>();
let work: string;

beforeAll(() => {
  work = makeTempDir('raft-zoo-');
  for (const defect of DEFECTS) builds.set(defect.name, buildDefect(defect, path.join(work, defect.name)));
});
afterAll(() => removeTempDir(work));

const byName = DEFECTS.map((d) => [d.name, d] as const);

test('the defects have names, tests, seeds and reasons of their own', () => {
  expect(new Set(DEFECTS.map((d) => d.name)).size).toBe(DEFECTS.length);
  for (const d of DEFECTS) {
    expect(() => spec(d.test)).not.toThrow();
    expect({ name: d.name, seed: d.seed, caught: d.caught >= 1 }).toEqual({
      name: d.name,
      seed: expect.stringMatching(/^zoo-\d+$/),
      caught: true,
    });
  }
});

test.each(byName)('%s fails its test on its seed, for its reason', async (_name, defect: RaftDefect) => {
  const run = await runSpec(defect.test, builds.get(defect.name)!, defect.seed);
  const said = `${defect.test} on ${defect.seed}:\n${run.notes.join('\n')}`;
  expect({ passed: run.passed, said }).toEqual({ passed: false, said });
  expect({ first: run.notes[0], said }).toEqual({ first: expect.stringMatching(defect.reason), said });
});

const referenceRuns = [...new Set(DEFECTS.map((d) => `${d.test} ${d.seed}`))].map((k) => k.split(' '));

test.each(referenceRuns)('the reference passes %s on seed %s', async (id, seed) => {
  const run = await runSpec(id, reference.dir, seed);
  expect({ id, seed, passed: run.passed, notes: run.passed ? [] : run.notes }).toEqual({
    id,
    seed,
    passed: true,
    notes: [],
  });
});

const blindCourse = DEFECTS.flatMap((d) => (d.coursePasses ?? []).map((id) => [d.name, id, d] as const));

test.each(blindCourse)(
  '%s passes the course test %s all the same (only the strict tier fails it)',
  async (_name, id, defect) => {
    const run = await runSpec(id, builds.get(defect.name)!, defect.seed);
    // (its notes may say what the strict tier would fail: the strict checks watch the course's tests too)
    expect({ id, passed: run.passed, notes: run.passed ? [] : run.notes }).toEqual({ id, passed: true, notes: [] });
  },
);
