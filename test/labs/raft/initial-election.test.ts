// The course's InitialElection (2A), on the Cluster harness, with the
// simulator's throwaway Raft: one leader, terms agreed, and the run exact.

import type { Cluster } from '../../../grader/labs/raft/harness/cluster';
import { runCluster } from '../../../grader/labs/raft/harness/run';
import { ELECTION_TIMEOUT_MS, TERM_SETTLE_MS } from '../../../grader/labs/raft/harness/constants';
import { makeHost, usePeerBuild, type Mode } from '../../sim/helpers';

const build = usePeerBuild();
const FIXTURE = 'test/sim/fixtures/raft-election';

/** The course's TestInitialElection, paraphrased; returns what it saw. */
async function initialElection(cfg: Cluster) {
  const leader = await cfg.checkOneLeader(); // is a leader elected?
  await cfg.sleep(TERM_SETTLE_MS); // let followers learn of the election
  const term1 = await cfg.checkTerms();
  if (term1 < 1) cfg.fail(`term is ${term1}, but should be at least 1`);
  await cfg.sleep(2 * ELECTION_TIMEOUT_MS); // does the leader+term stay the same with no failure?
  const term2 = await cfg.checkTerms();
  const again = await cfg.checkOneLeader(); // there should still be a leader
  return { leader, term1, term2, again, at: cfg.now() };
}

async function run(mode: Mode, seed: string) {
  const host = makeHost(mode, build.dir);
  try {
    return await runCluster({ n: 3, seed, host, module: FIXTURE }, initialElection);
  } finally {
    await host.close();
  }
}

test('InitialElection: one leader, the same term everywhere, and the run is exact', async () => {
  const first = await run('in-process', 'initial-election');
  expect(first.value.term1).toBeGreaterThanOrEqual(1);
  expect(first.value.term2).toBe(first.value.term1);
  expect(first.value.again).toBe(first.value.leader);
  // two polls of 450-550 ms, 50 ms, 2 s, one poll: the time is the tester's draws plus the constants
  expect(first.value.at).toBeGreaterThanOrEqual(450 + 50 + 2000 + 450);
  expect(first.value.at).toBeLessThan(550 * 2 + 50 + 2000 + 550);
  const second = await run('in-process', 'initial-election');
  expect(second.value).toEqual(first.value); // the same virtual times, every run
  expect(second.traceHash).toBe(first.traceHash);
  expect(second.rpcs).toBe(first.rpcs);
  expect(second.bytes).toBe(first.bytes);
});

test.each(['a', 'b', 'c', 'd', 'e'])('InitialElection passes with seed %s', async (seed) => {
  const { value } = await run('in-process', seed);
  expect(value.term2).toBe(value.term1);
});

test('ReElection: a new leader after a partition, none without a quorum', async () => {
  const host = makeHost('in-process', build.dir);
  try {
    await runCluster({ n: 3, seed: 're-election', host, module: FIXTURE }, async (cfg) => {
      const leader1 = await cfg.checkOneLeader();
      cfg.disconnect(leader1); // if the leader disconnects, a new one should be elected
      const leader2 = await cfg.checkOneLeader();
      expect(leader2).not.toBe(leader1);
      cfg.connect(leader1); // the old leader rejoins: there is still one leader
      const leader3 = await cfg.checkOneLeader();
      cfg.disconnect(leader3); // no quorum: no new leader
      cfg.disconnect((leader3 + 1) % 3);
      await cfg.sleep(2 * ELECTION_TIMEOUT_MS);
      await cfg.checkNoLeader();
      cfg.connect((leader3 + 1) % 3); // a quorum again: a leader
      await cfg.checkOneLeader();
    });
  } finally {
    await host.close();
  }
});
