// The grader, graded (a process per peer, behind the wall when root), on the
// student's skeleton (src/raft): every test fails quickly, saying which of
// the course's checks failed, when in virtual time and with which seed, and
// how to replay it; the worked example's RequestVotes are in the peers' log;
// no process is left behind.

import * as fs from 'fs';
import * as path from 'path';
import { isAlive, jsonTests, makeTmp, runRaftGrader } from './grader';
import { tierIds } from './helpers';

let tmp: string;
beforeAll(() => {
  tmp = makeTmp();
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** What each test of the skeleton fails on: no leader is ever elected, so no command is ever accepted. */
const NO_LEADER = 'expected one leader, got none';
const expectedFailure = (id: string): RegExp =>
  ['initial-election', 're-election', 'many-elections', 'concurrent-starts', 'count'].includes(id)
    ? new RegExp(`^${NO_LEADER}$`)
    : /^one\(\d+\) failed to reach agreement$/;

test('the skeleton fails every test quickly, with the failed check, its time and seed', async () => {
  const json = path.join(tmp, 'results.json');
  const run = await runRaftGrader(['quiet', '--json', json, '--seed', 'skel'], tmp);
  expect(run.code).toBe(1);
  expect(run.ms).toBeLessThan(90_000);
  expect(run.stdout).toMatch(/\*\*\* FAILED SOME TESTS\s*$/);
  const { tests, pids, passed } = jsonTests(json);
  expect(passed).toBe(false);
  const ids = ['2A', '2B', '2C', '2D'].flatMap(tierIds);
  expect(tests.map((t) => t.test)).toEqual(ids);
  for (const t of tests) {
    expect([t.test, t.status]).toEqual([t.test, 'failed']);
    expect([t.test, t.notes[0]]).toEqual([t.test, expect.stringMatching(expectedFailure(t.test))]);
    expect(t.notes[1]).toMatch(/^failed at \d+\.\d{3} s of virtual time, seed skel, trace [0-9a-f]{16}$/);
    expect(t.replay!.command).toBe(`npm run test-raft -- --only ${t.test} --seed skel`);
    expect(fs.readFileSync(path.join(t.dir!, 'trace-tail.txt'), 'utf8')).toMatch(/^\d+ \w/);
    // The worked example: each peer asks the others for their votes once, and both sides log it
    // (on the unreliable network some of them are lost).
    const log = fs.readFileSync(path.join(t.dir!, 'peers.log'), 'utf8');
    expect(log).toMatch(/^ +\d+\.\d{6} peer \d: peer \d answered my RequestVote: term 0, voteGranted false$/m);
    expect(log).toMatch(/^ +\d+\.\d{6} peer \d: peer \d asks for my vote in term 0$/m);
  }
  expect(run.stdout).toContain(
    '--- initial election (2A) test: FAIL\n    expected one leader, got none\n    failed at ',
  );
  expect(run.stdout).toContain('seed skel; to replay: npm run test-raft -- --only initial-election --seed skel');
  expect(pids.length).toBeGreaterThanOrEqual(ids.length * 3); // a process per peer
  expect(pids.filter(isAlive)).toEqual([]);
}, 120_000);
