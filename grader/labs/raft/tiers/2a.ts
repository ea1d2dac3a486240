// Part 2A, leader election: the course's three tests (raft-lab.md 2.2),
// their scenarios and checks, in virtual time.

import type { TestSpec } from '../../../core/lab';
import { ELECTION_TIMEOUT_MS, TERM_SETTLE_MS } from '../harness/constants';
import { raftTest, type RaftTest } from '../harness/raft-test';

export const TESTS_2A: TestSpec<RaftTest>[] = [
  raftTest('initial-election', 'initial election (2A)', (h) =>
    h.cluster({ n: 3 }, async (cfg) => {
      await cfg.checkOneLeader(); // is a leader elected?
      await cfg.sleep(TERM_SETTLE_MS); // let the followers learn of the election
      const term1 = await cfg.checkTerms();
      if (term1 < 1) cfg.fail(`term is ${term1}, but should be at least 1`);
      // does the leader+term stay the same if there is no network failure?
      await cfg.sleep(2 * ELECTION_TIMEOUT_MS);
      const term2 = await cfg.checkTerms();
      if (term1 !== term2) h.note('warning: term changed even though there were no failures');
      await cfg.checkOneLeader(); // there should still be a leader
    }),
  ),

  raftTest('re-election', 'election after network failure (2A)', (h) =>
    h.cluster({ n: 3 }, async (cfg) => {
      const n = cfg.n;
      const leader1 = await cfg.checkOneLeader();
      cfg.disconnect(leader1); // if the leader disconnects, a new one should be elected
      await cfg.checkOneLeader();
      // if the old leader rejoins, that shouldn't disturb the new leader, and the old leader should follow
      cfg.connect(leader1);
      const leader2 = await cfg.checkOneLeader();
      // if there's no quorum, no new leader should be elected
      cfg.disconnect(leader2);
      cfg.disconnect((leader2 + 1) % n);
      await cfg.sleep(2 * ELECTION_TIMEOUT_MS);
      await cfg.checkNoLeader(); // the one connected peer does not think it leads
      cfg.connect((leader2 + 1) % n); // a quorum arises: it should elect a leader
      await cfg.checkOneLeader();
      cfg.connect(leader2); // the last one rejoins: there is still a leader
      await cfg.checkOneLeader();
    }),
  ),

  raftTest('many-elections', 'multiple elections (2A)', (h) =>
    h.cluster({ n: 7 }, async (cfg) => {
      await cfg.checkOneLeader();
      for (let round = 1; round < 10; round++) {
        // disconnect three peers (the draws may repeat one)
        const victims = [cfg.rand.int(cfg.n), cfg.rand.int(cfg.n), cfg.rand.int(cfg.n)];
        for (const i of victims) cfg.disconnect(i);
        // either the current leader is still up, or the remaining four elect a new one
        await cfg.checkOneLeader();
        for (const i of victims) cfg.connect(i);
      }
      await cfg.checkOneLeader();
    }),
  ),
];
