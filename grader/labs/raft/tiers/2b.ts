// Part 2B, log replication: the course's ten tests (raft-lab.md 2.3),
// their scenarios, constants and checks, in virtual time.

import type { TestSpec } from '../../../core/lab';
import type { Cluster } from '../harness/cluster';
import { ELECTION_TIMEOUT_MS } from '../harness/constants';
import { randInt, randInt31, randString } from '../harness/draws';
import { raftTest, type RaftTest } from '../harness/raft-test';

export const TESTS_2B: TestSpec<RaftTest>[] = [
  raftTest('basic-agree', 'basic agreement (2B)', (h) =>
    h.cluster({ n: 3 }, async (cfg) => {
      for (let index = 1; index <= 3; index++) {
        if (cfg.nCommitted(index)[0] > 0) cfg.fail('some have committed before Start()');
        const got = await cfg.one(index * 100, cfg.n, false);
        if (got !== index) cfg.fail(`got index ${got} but expected ${index}`);
      }
    }),
  ),

  // Counting bytes: each command is sent to each peer just once (with slack).
  raftTest('rpc-bytes', 'RPC byte count (2B)', (h) =>
    h.cluster({ n: 3 }, async (cfg) => {
      await cfg.one(99, cfg.n, false);
      const bytes0 = cfg.bytesTotal();
      let sent = 0;
      for (let index = 2; index < 12; index++) {
        const command = randString(cfg.rand, 5000);
        const got = await cfg.one(command, cfg.n, false);
        if (got !== index) cfg.fail(`got index ${got} but expected ${index}`);
        sent += command.length;
      }
      const got = cfg.bytesTotal() - bytes0;
      const expected = cfg.n * sent;
      if (got > expected + 50_000) cfg.fail(`too many RPC bytes; got ${got}, expected ${expected}`);
    }),
  ),

  raftTest('follower-failure', 'test progressive failure of followers (2B)', (h) =>
    h.cluster({ n: 3 }, async (cfg) => {
      const n = cfg.n;
      await cfg.one(101, n, false);
      const leader1 = await cfg.checkOneLeader();
      cfg.disconnect((leader1 + 1) % n); // the leader and the other follower still agree
      await cfg.one(102, n - 1, false);
      await cfg.sleep(ELECTION_TIMEOUT_MS);
      await cfg.one(103, n - 1, false);
      const leader2 = await cfg.checkOneLeader();
      cfg.disconnect((leader2 + 1) % n); // now the remaining follower too
      cfg.disconnect((leader2 + 2) % n);
      const index = await startOnLeader(cfg, leader2, 104, 4);
      await cfg.sleep(2 * ELECTION_TIMEOUT_MS);
      const [count] = cfg.nCommitted(index); // 104 must not commit
      if (count > 0) cfg.fail(`${count} committed but no majority`);
    }),
  ),

  raftTest('leader-failure', 'test failure of leaders (2B)', (h) =>
    h.cluster({ n: 3 }, async (cfg) => {
      const n = cfg.n;
      await cfg.one(101, n, false);
      const leader1 = await cfg.checkOneLeader();
      cfg.disconnect(leader1); // the remaining followers elect a new leader
      await cfg.one(102, n - 1, false);
      await cfg.sleep(ELECTION_TIMEOUT_MS);
      await cfg.one(103, n - 1, false);
      const leader2 = await cfg.checkOneLeader();
      cfg.disconnect(leader2);
      for (let i = 0; i < n; i++) await cfg.start(i, 104); // submit a command to each peer
      await cfg.sleep(2 * ELECTION_TIMEOUT_MS);
      const [count] = cfg.nCommitted(4); // 104 must not commit
      if (count > 0) cfg.fail(`${count} committed but no majority`);
    }),
  ),

  // A follower takes part again after it reconnects.
  raftTest('fail-agree', 'agreement after follower reconnects (2B)', (h) =>
    h.cluster({ n: 3 }, async (cfg) => {
      const n = cfg.n;
      await cfg.one(101, n, false);
      const leader = await cfg.checkOneLeader();
      cfg.disconnect((leader + 1) % n);
      await cfg.one(102, n - 1, false);
      await cfg.one(103, n - 1, false);
      await cfg.sleep(ELECTION_TIMEOUT_MS);
      await cfg.one(104, n - 1, false);
      await cfg.one(105, n - 1, false);
      cfg.connect((leader + 1) % n);
      // all of them keep the earlier agreements and agree on new commands
      await cfg.one(106, n, true);
      await cfg.sleep(ELECTION_TIMEOUT_MS);
      await cfg.one(107, n, true);
    }),
  ),

  raftTest('fail-no-agree', 'no agreement if too many followers disconnect (2B)', (h) =>
    h.cluster({ n: 5 }, async (cfg) => {
      const n = cfg.n;
      await cfg.one(10, n, false);
      const leader = await cfg.checkOneLeader();
      for (let k = 1; k <= 3; k++) cfg.disconnect((leader + k) % n); // 3 of 5 followers disconnect
      const index = await startOnLeader(cfg, leader, 20, 2);
      await cfg.sleep(2 * ELECTION_TIMEOUT_MS);
      const [count] = cfg.nCommitted(index);
      if (count > 0) cfg.fail(`${count} committed but no majority`);
      for (let k = 1; k <= 3; k++) cfg.connect((leader + k) % n); // repair
      // the disconnected majority may have chosen a leader from among their own ranks, forgetting index 2
      const leader2 = await cfg.checkOneLeader();
      const reply = await cfg.start(leader2, 30);
      if (!reply?.[2]) return cfg.fail('leader2 rejected Start()');
      if (reply[0] < 2 || reply[0] > 3) cfg.fail(`unexpected index ${reply[0]}`);
      await cfg.one(1000, n, true);
    }),
  ),

  raftTest('concurrent-starts', 'concurrent Start()s (2B)', (h) =>
    h.cluster({ n: 3 }, async (cfg) => {
      for (let attempt = 0; attempt < 5; attempt++) {
        if (attempt > 0) await cfg.sleep(3000); // give the solution some time to settle
        if (await concurrentStarts(cfg)) return;
      }
      cfg.fail('term changed too often');
    }),
  ),

  raftTest('rejoin', 'rejoin of partitioned leader (2B)', (h) =>
    h.cluster({ n: 3 }, async (cfg) => {
      await cfg.one(101, cfg.n, true);
      const leader1 = await cfg.checkOneLeader();
      cfg.disconnect(leader1); // the old leader, alone, tries to agree on some entries
      for (const command of [102, 103, 104]) await cfg.start(leader1, command);
      await cfg.one(103, 2, true); // the new leader commits, also at index 2
      const leader2 = await cfg.checkOneLeader();
      cfg.disconnect(leader2);
      cfg.connect(leader1); // the old leader is back
      await cfg.one(104, 2, true);
      cfg.connect(leader2); // all together now
      await cfg.one(105, cfg.n, true);
    }),
  ),

  // The leader must back up over long divergent logs quickly (a term per round trip, not an entry).
  raftTest('backup', 'leader backs up quickly over incorrect follower logs (2B)', (h) =>
    h.cluster({ n: 5 }, async (cfg) => {
      const n = cfg.n;
      await cfg.one(randInt(cfg.rand), n, true);
      // the leader and one follower in a partition, with lots of commands that won't commit
      const leader1 = await cfg.checkOneLeader();
      for (let k = 2; k <= 4; k++) cfg.disconnect((leader1 + k) % n);
      for (let i = 0; i < 50; i++) await cfg.start(leader1, randInt(cfg.rand));
      await cfg.sleep(ELECTION_TIMEOUT_MS / 2);
      cfg.disconnect(leader1);
      cfg.disconnect((leader1 + 1) % n);
      for (let k = 2; k <= 4; k++) cfg.connect((leader1 + k) % n); // the other partition recovers
      for (let i = 0; i < 50; i++) await cfg.one(randInt(cfg.rand), 3, true);
      // now another partitioned leader and one follower
      const leader2 = await cfg.checkOneLeader();
      let other = (leader1 + 2) % n;
      if (leader2 === other) other = (leader2 + 1) % n;
      cfg.disconnect(other);
      for (let i = 0; i < 50; i++) await cfg.start(leader2, randInt(cfg.rand)); // more that won't commit
      await cfg.sleep(ELECTION_TIMEOUT_MS / 2);
      // bring the original leader back to life
      for (let i = 0; i < n; i++) cfg.disconnect(i);
      cfg.connect(leader1);
      cfg.connect((leader1 + 1) % n);
      cfg.connect(other);
      for (let i = 0; i < 50; i++) await cfg.one(randInt(cfg.rand), 3, true);
      for (let i = 0; i < n; i++) cfg.connect(i); // now everyone
      await cfg.one(randInt(cfg.rand), n, true);
    }),
  ),

  raftTest('count', "RPC counts aren't too high (2B)", (h) =>
    h.cluster({ n: 3 }, async (cfg) => {
      const rpcs = () => [0, 1, 2].reduce((sum, j) => sum + cfg.rpcCount(j), 0);
      await cfg.checkOneLeader();
      const total1 = rpcs();
      if (total1 > 30 || total1 < 1) cfg.fail(`too many or few RPCs (${total1}) to elect initial leader`);
      let total2 = -1;
      for (let attempt = 0; attempt < 5 && total2 < 0; attempt++) {
        if (attempt > 0) await cfg.sleep(3000); // give the solution some time to settle
        total2 = await countAgreement(cfg, rpcs);
      }
      if (total2 < 0) cfg.fail('term changed too often');
      await cfg.sleep(ELECTION_TIMEOUT_MS);
      const total3 = rpcs();
      if (total3 - total2 > 3 * 20) cfg.fail(`too many RPCs (${total3 - total2}) for 1 second of idleness`);
    }),
  ),
];

/** Start(command) on the leader, which must accept it at `expected`. */
async function startOnLeader(cfg: Cluster, leader: number, command: number, expected: number): Promise<number> {
  const reply = await cfg.start(leader, command);
  if (!reply?.[2]) cfg.fail('leader rejected Start()');
  if (reply[0] !== expected) cfg.fail(`expected index ${expected}, got ${reply[0]}`);
  return reply[0];
}

/** One attempt of ConcurrentStarts: true when it could decide (the term held), failing if a command is missing. */
async function concurrentStarts(cfg: Cluster): Promise<boolean> {
  const leader = await cfg.checkOneLeader();
  const first = await cfg.start(leader, 1);
  if (!first?.[2]) return false; // the leader moved on really quickly
  const term = first[1];
  const replies = await Promise.all([0, 1, 2, 3, 4].map((i) => cfg.start(leader, 100 + i)));
  const indexes = replies.filter((r) => r !== null && r[1] === term && r[2]).map((r) => r![0]);
  for (let j = 0; j < cfg.n; j++) {
    if ((await cfg.getState(j))?.[0] !== term) return false; // the term changed
  }
  const commands: number[] = [];
  for (const index of indexes) {
    const command = await cfg.wait(index, cfg.n, term);
    if (typeof command !== 'number') cfg.fail(`value ${JSON.stringify(command)} is not an int`);
    if (command === -1) return false; // peers have moved on to later terms
    commands.push(command);
  }
  for (let i = 0; i < 5; i++) {
    if (!commands.includes(100 + i)) cfg.fail(`cmd ${100 + i} missing in [${commands.join(' ')}]`);
  }
  return true;
}

/** One attempt of Count's agreement: the RPC count after it, or -1 if the term changed meanwhile. */
async function countAgreement(cfg: Cluster, rpcs: () => number): Promise<number> {
  const leader = await cfg.checkOneLeader();
  const total1 = rpcs();
  const iters = 10;
  const first = await cfg.start(leader, 1);
  if (!first?.[2]) return -1; // the leader moved on really quickly
  const [start, term] = first;
  const commands: number[] = [];
  for (let i = 1; i < iters + 2; i++) {
    const x = randInt31(cfg.rand);
    commands.push(x);
    const reply = await cfg.start(leader, x);
    if (!reply || reply[1] !== term || !reply[2]) return -1; // the term changed while starting
    if (reply[0] !== start + i) cfg.fail('Start() failed');
  }
  for (let i = 1; i < iters + 1; i++) {
    const command = await cfg.wait(start + i, cfg.n, term);
    if (command === -1) return -1; // the term changed: try again
    if (command !== commands[i - 1]) {
      cfg.fail(
        `wrong value ${JSON.stringify(command)} committed for index ${start + i}; expected [${commands.join(' ')}]`,
      );
    }
  }
  let total2 = 0;
  let moved = false;
  for (let j = 0; j < cfg.n; j++) {
    if ((await cfg.getState(j))?.[0] !== term) moved = true; // can't expect low RPC counts
    total2 += cfg.rpcCount(j);
  }
  if (moved) return -1;
  if (total2 - total1 > (iters + 1 + 3) * 3) cfg.fail(`too many RPCs (${total2 - total1}) for ${iters} entries`);
  return total2;
}
