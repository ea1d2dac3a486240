// Part 2C, persistence: the course's eight tests (raft-lab.md 2.4), their
// scenarios, constants and checks, in virtual time. A crash keeps only what
// a peer persisted; restart(i) boots a fresh peer from it, disconnected
// until the test connects it.

import type { TestSpec } from '../../../core/lab';
import type { Cluster } from '../harness/cluster';
import { ELECTION_TIMEOUT_MS } from '../harness/constants';
import { randInt } from '../harness/draws';
import { raftTest, type RaftTest } from '../harness/raft-test';
import { Tasks } from '../harness/tasks';

export const TESTS_2C: TestSpec<RaftTest>[] = [
  raftTest('persist1', 'basic persistence (2C)', (h) =>
    h.cluster({ n: 3, crashes: true }, async (cfg) => {
      const n = cfg.n;
      await cfg.one(11, n, true);
      for (let i = 0; i < n; i++) await restartConnected(cfg, i); // crash and restart all
      await cfg.one(12, n, true);
      const leader1 = await cfg.checkOneLeader();
      await restartConnected(cfg, leader1);
      await cfg.one(13, n, true);
      const leader2 = await cfg.checkOneLeader();
      cfg.crash(leader2);
      await cfg.one(14, n - 1, true);
      await restartConnected(cfg, leader2);
      await cfg.wait(4, n, -1); // wait for leader2 to join before crashing i3
      const i3 = ((await cfg.checkOneLeader()) + 1) % n;
      cfg.crash(i3);
      await cfg.one(15, n - 1, true);
      await restartConnected(cfg, i3);
      await cfg.one(16, n, true);
    }),
  ),

  raftTest('persist2', 'more persistence (2C)', (h) =>
    h.cluster({ n: 5, crashes: true }, async (cfg) => {
      const n = cfg.n;
      let index = 1;
      for (let round = 0; round < 5; round++) {
        await cfg.one(10 + index++, n, true);
        const leader1 = await cfg.checkOneLeader();
        const peer = (k: number) => (leader1 + k) % n;
        cfg.crash(peer(1));
        cfg.crash(peer(2));
        await cfg.one(10 + index++, n - 2, true);
        cfg.crash(peer(0));
        cfg.crash(peer(3));
        cfg.crash(peer(4));
        await restartConnected(cfg, peer(1));
        await restartConnected(cfg, peer(2));
        await cfg.sleep(ELECTION_TIMEOUT_MS);
        await restartConnected(cfg, peer(3));
        await cfg.one(10 + index++, n - 2, true);
        await restartConnected(cfg, peer(4));
        await restartConnected(cfg, peer(0));
      }
      await cfg.one(1000, n, true);
    }),
  ),

  raftTest('persist3', 'partitioned leader and one follower crash, leader restarts (2C)', (h) =>
    h.cluster({ n: 3, crashes: true }, async (cfg) => {
      const n = cfg.n;
      await cfg.one(101, 3, true);
      const leader = await cfg.checkOneLeader();
      cfg.disconnect((leader + 2) % n);
      await cfg.one(102, 2, true);
      cfg.crash(leader);
      cfg.crash((leader + 1) % n);
      cfg.connect((leader + 2) % n);
      await restartConnected(cfg, leader);
      await cfg.one(103, 2, true);
      await restartConnected(cfg, (leader + 1) % n);
      await cfg.one(104, n, true);
    }),
  ),

  // Figure 8 of the paper: leaders crash quickly (perhaps before committing) or, rarely, after a while;
  // a new leader must not commit an old term's entry by counting replicas.
  raftTest('figure8', 'Figure 8 (2C)', (h) =>
    h.cluster({ n: 5, crashes: true }, async (cfg) => {
      const n = cfg.n;
      await cfg.one(randInt(cfg.rand), 1, true);
      let up = n;
      for (let round = 0; round < 1000; round++) {
        let leader = -1;
        for (let i = 0; i < n; i++) {
          if (cfg.alive(i) && (await cfg.start(i, randInt(cfg.rand)))?.[2]) leader = i;
        }
        await sleepFigure8(cfg);
        if (leader !== -1) {
          cfg.crash(leader);
          up--;
        }
        if (up < 3) {
          const s = cfg.rand.int(n);
          if (!cfg.alive(s)) {
            await restartConnected(cfg, s);
            up++;
          }
        }
      }
      for (let i = 0; i < n; i++) if (!cfg.alive(i)) await restartConnected(cfg, i);
      await cfg.one(randInt(cfg.rand), n, true);
    }),
  ),

  raftTest('unreliable-agree', 'unreliable agreement (2C)', (h) =>
    h.cluster({ n: 5, reliable: false }, async (cfg) => {
      const clients = new Tasks(cfg);
      for (let round = 1; round < 50; round++) {
        for (let j = 0; j < 4; j++) void clients.go(() => cfg.one(100 * round + j, 1, true));
        await cfg.one(round, 1, true);
      }
      cfg.setReliable(true);
      await clients.join();
      await cfg.one(100, cfg.n, true);
    }),
  ),

  raftTest('figure8-unreliable', 'Figure 8 (unreliable) (2C)', (h) =>
    h.cluster({ n: 5, reliable: false }, async (cfg) => {
      const n = cfg.n;
      await cfg.one(cfg.rand.int(10_000), 1, true);
      let up = n;
      for (let round = 0; round < 1000; round++) {
        if (round === 200) cfg.setLongReordering(true);
        let leader = -1;
        for (let i = 0; i < n; i++) {
          const reply = await cfg.start(i, cfg.rand.int(10_000));
          if (reply?.[2] && cfg.isConnected(i)) leader = i;
        }
        await sleepFigure8(cfg);
        if (leader !== -1 && cfg.rand.int(1000) < ELECTION_TIMEOUT_MS / 2) {
          cfg.disconnect(leader);
          up--;
        }
        if (up < 3) {
          const s = cfg.rand.int(n);
          if (!cfg.isConnected(s)) {
            cfg.connect(s);
            up++;
          }
        }
      }
      for (let i = 0; i < n; i++) if (!cfg.isConnected(i)) cfg.connect(i);
      await cfg.one(cfg.rand.int(10_000), n, true);
    }),
  ),

  raftTest('reliable-churn', 'churn (2C)', (h) => h.cluster({ n: 5, crashes: true }, churn)),
  raftTest('unreliable-churn', 'unreliable churn (2C)', (h) =>
    h.cluster({ n: 5, reliable: false, crashes: true }, churn),
  ),
];

/** The course's start1(i) then connect(i): crashes peer i if it is up, boots it from what it persisted, connects it. */
async function restartConnected(cfg: Cluster, i: number): Promise<void> {
  await cfg.restart(i);
  cfg.connect(i);
}

/** Figure 8's pause between rounds: usually under 13 ms, one time in ten up to half an election timeout. */
function sleepFigure8(cfg: Cluster): Promise<void> {
  const long = cfg.rand.int(1000) < 100;
  return cfg.sleep(long ? cfg.rand.int(ELECTION_TIMEOUT_MS / 2) : cfg.rand.int(13));
}

/**
 * The churn tests: three clients start commands on every peer and note the
 * ones they see committed, while peers are disconnected, crashed and
 * restarted every 0.7 s; then, healed, every command a client saw
 * committed must be in the final log.
 */
async function churn(cfg: Cluster): Promise<void> {
  const n = cfg.n;
  let stop = false;
  const clients = new Tasks(cfg);
  const client = async (me: number): Promise<number[]> => {
    const values: number[] = [];
    while (!stop) {
      const x = randInt(cfg.rand);
      let index = -1;
      for (let i = 0; i < n; i++) {
        const reply = await cfg.start(i, x); // try them all, maybe one of them is a leader
        if (reply?.[2]) index = reply[0];
      }
      if (index === -1) {
        await cfg.sleep(79 + me * 17);
        continue;
      }
      // Maybe the leader will commit our value, maybe not; but don't wait forever. (Each look comes after
      // its pause: 10, 30, 80, 180 and 380 ms after the Start, where the course looks at once and then 10,
      // 30, 80 and 180 ms after. In real time a commit takes a while; in virtual time, on the reliable
      // network, it can happen at the very instant of the Start, and a client that looked first would
      // loop without time ever passing.)
      for (const ms of [10, 20, 50, 100, 200]) {
        await cfg.sleep(ms);
        const [count, command] = cfg.nCommitted(index);
        if (count > 0) {
          if (typeof command !== 'number') cfg.fail('wrong command type');
          if (command === x) values.push(x);
          break;
        }
      }
    }
    return values;
  };
  const results = [0, 1, 2].map((me) => clients.go(() => client(me)));

  for (let round = 0; round < 20; round++) {
    if (cfg.rand.int(1000) < 200) cfg.disconnect(cfg.rand.int(n));
    if (cfg.rand.int(1000) < 500) {
      const i = cfg.rand.int(n);
      if (!cfg.alive(i)) await cfg.restart(i);
      cfg.connect(i);
    }
    if (cfg.rand.int(1000) < 200) {
      const i = cfg.rand.int(n);
      if (cfg.alive(i)) cfg.crash(i);
    }
    // often enough that the peers have not settled from one change to the next; below an election timeout
    await cfg.sleep((ELECTION_TIMEOUT_MS * 7) / 10);
  }

  await cfg.sleep(ELECTION_TIMEOUT_MS);
  cfg.setReliable(true);
  for (let i = 0; i < n; i++) {
    if (!cfg.alive(i)) await cfg.restart(i);
    cfg.connect(i);
  }
  stop = true;
  await clients.join();
  const values = (await Promise.all(results)).flatMap((v) => v ?? []);

  await cfg.sleep(ELECTION_TIMEOUT_MS);
  const lastIndex = await cfg.one(randInt(cfg.rand), n, true);
  // (The course's list of what was committed starts with lastIndex+1 zeros, so that a client's 0 would
  // always be found; its intent is the committed commands alone.)
  const really: number[] = [];
  for (let index = 1; index <= lastIndex; index++) {
    const command = await cfg.wait(index, n, -1);
    if (typeof command !== 'number') cfg.fail('not an int');
    really.push(command);
  }
  for (const v of values) if (!really.includes(v)) cfg.fail("didn't find a value");
}
