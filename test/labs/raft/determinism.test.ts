// The same seed replays the same run, event for event, on real tests of
// each part: twice in one process, with a process per peer, and graded by
// the grader's command line behind the wall (the hash a pass prints).

import * as fs from 'fs';
import * as path from 'path';
import { jsonTests, makeTmp, ROOT, runRaftGrader } from './grader';
import { runSpec, SOLUTION, useRaftBuild } from './helpers';

const build = useRaftBuild(SOLUTION);

/** An election with partitions; concurrent clients on the unreliable net; snapshots and restarts of every peer. */
const TESTS = ['re-election', 'unreliable-agree', 'snapshot-init'];
const SEED = 'same';

let tmp: string;
beforeAll(() => {
  tmp = makeTmp();
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

test.each(TESTS)(
  '%s: the same seed gives the same trace in one process, twice, and with a process per peer',
  async (id) => {
    const first = await runSpec(id, build.dir, SEED);
    const second = await runSpec(id, build.dir, SEED);
    const processes = await runSpec(id, build.dir, SEED, 'process');
    expect(first.passed).toBe(true);
    expect(second).toEqual(first);
    expect(processes).toEqual(first);
    expect((await runSpec(id, build.dir, 'other')).traceHash).not.toBe(first.traceHash);
  },
);

test('graded by the command line (behind the wall as root), a pass prints the same trace as in one process', async () => {
  const json = path.join(tmp, 'graded.json');
  const run = await runRaftGrader(
    ['quiet', '--impl', SOLUTION, '--only', TESTS.join(','), '--seed', SEED, '--json', json],
    tmp,
  );
  expect(run.code).toBe(0);
  const { tests } = jsonTests(json);
  for (const t of tests) {
    const alone = await runSpec(t.test, build.dir, SEED);
    expect([t.test, t.notes]).toEqual([t.test, alone.notes]);
  }
}, 180_000);

test("tests run at once (--parallel 3) print what they print one at a time, peers' lines included, in order", async () => {
  // The untouched skeleton: its worked example's peers print, and every test fails with a replay line and a folder.
  const run = async (parallel: string) => {
    const args = ['--impl', path.join(ROOT, 'src', 'raft'), '--only', TESTS.join(','), '--seed', SEED];
    const r = await runRaftGrader([...args, '--parallel', parallel], tmp);
    return { code: r.code, output: r.output.replace(/raft-grade-\w+/g, 'raft-grade-X') };
  };
  const [one, three] = [await run('1'), await run('3')];
  expect([one.code, three.code]).toEqual([1, 1]);
  expect(one.output).toMatch(/peer \d/); // the peers' own lines are there to be ordered
  expect(three.output).toBe(one.output);
}, 180_000);
