// Part 2D, log compaction: the course's seven tests (raft-lab.md 2.5),
// their scenarios, constants and checks, in virtual time. The tester's
// applier asks each peer for a snapshot after every 10th command it
// applies, and checks every snapshot a peer applies.

import type { TestSpec } from '../../../core/lab';
import type { Cluster } from '../harness/cluster';
import { MAX_LOG_SIZE, SNAPSHOT_INTERVAL } from '../harness/constants';
import { randInt } from '../harness/draws';
import { raftTest, type RaftTest } from '../harness/raft-test';

export const TESTS_2D: TestSpec<RaftTest>[] = [
  snapshotTest('snapshot-basic', 'snapshots basic (2D)', { disconnect: false, reliable: true, crash: false }),
  snapshotTest('snapshot-install', 'install snapshots (disconnect) (2D)', {
    disconnect: true,
    reliable: true,
    crash: false,
  }),
  snapshotTest('snapshot-install-unreliable', 'install snapshots (disconnect+unreliable) (2D)', {
    disconnect: true,
    reliable: false,
    crash: false,
  }),
  snapshotTest('snapshot-install-crash', 'install snapshots (crash) (2D)', {
    disconnect: false,
    reliable: true,
    crash: true,
  }),
  snapshotTest('snapshot-install-uncrash', 'install snapshots (unreliable+crash) (2D)', {
    disconnect: false,
    reliable: false,
    crash: true,
  }),

  // Do the peers persist their snapshots, and restart from a snapshot and the log's tail? (The network
  // is unreliable here as in the 2025 tests; the 2023 tests ran this and the next one reliably.)
  raftTest('snapshot-all-crash', 'crash and restart all servers (2D)', (h) =>
    h.cluster({ n: 3, reliable: false, snapshots: true, crashes: true }, async (cfg) => {
      await cfg.one(randInt(cfg.rand), cfg.n, true);
      for (let round = 0; round < 5; round++) {
        const count = SNAPSHOT_INTERVAL / 2 + cfg.rand.int(SNAPSHOT_INTERVAL); // perhaps enough for a snapshot
        for (let k = 0; k < count; k++) await cfg.one(randInt(cfg.rand), cfg.n, true);
        const index1 = await cfg.one(randInt(cfg.rand), cfg.n, true);
        await restartAll(cfg);
        const index2 = await cfg.one(randInt(cfg.rand), cfg.n, true);
        if (index2 < index1 + 1) cfg.fail(`index decreased from ${index1} to ${index2}`);
      }
    }),
  ),

  // Do the peers load their snapshot at a restart, so that the next persist() does not lose it?
  raftTest('snapshot-init', 'snapshot initialization after crash (2D)', (h) =>
    h.cluster({ n: 3, reliable: false, snapshots: true, crashes: true }, async (cfg) => {
      await cfg.one(randInt(cfg.rand), cfg.n, true);
      for (let k = 0; k < SNAPSHOT_INTERVAL + 1; k++) await cfg.one(randInt(cfg.rand), cfg.n, true); // a snapshot
      await restartAll(cfg);
      await cfg.one(randInt(cfg.rand), cfg.n, true); // something to write back to the persister
      await restartAll(cfg);
      await cfg.one(randInt(cfg.rand), cfg.n, true); // the bug shows here
    }),
  ),
];

interface SnapshotFaults {
  /** Disconnect the victim each round (it catches up by InstallSnapshot when it is back). */
  disconnect: boolean;
  reliable: boolean;
  /** Crash the victim each round (it restarts from its snapshot, and catches up). */
  crash: boolean;
}

/**
 * The course's snapcommon: 30 rounds of a batch of commands started on a
 * peer without waiting, with the victim (a follower, or every third round
 * the leader) cut off or crashed meanwhile; the persisted Raft state must
 * stay under MAXLOGSIZE bytes.
 */
function snapshotTest(id: string, name: string, faults: SnapshotFaults): TestSpec<RaftTest> {
  return raftTest(id, name, (h) =>
    h.cluster({ n: 3, reliable: faults.reliable, snapshots: true, crashes: faults.crash }, async (cfg) => {
      const n = cfg.n;
      await cfg.one(randInt(cfg.rand), n, true);
      let leader1 = await cfg.checkOneLeader();
      for (let round = 0; round < 30; round++) {
        let victim = (leader1 + 1) % n;
        let sender = leader1;
        if (round % 3 === 1) [sender, victim] = [victim, sender];
        if (faults.disconnect) {
          cfg.disconnect(victim);
          await cfg.one(randInt(cfg.rand), n - 1, true);
        }
        if (faults.crash) {
          cfg.crash(victim);
          await cfg.one(randInt(cfg.rand), n - 1, true);
        }
        // perhaps enough to get a snapshot
        const count = SNAPSHOT_INTERVAL / 2 + cfg.rand.int(SNAPSHOT_INTERVAL);
        for (let k = 0; k < count; k++) await cfg.start(sender, randInt(cfg.rand));
        // let the appliers catch up with the Start()s; with no faults, make sure every follower has,
        // so that no InstallSnapshot is needed in snapshots basic
        await cfg.one(randInt(cfg.rand), faults.disconnect || faults.crash ? n - 1 : n, true);
        if (cfg.maxRaftStateSize() >= MAX_LOG_SIZE) cfg.fail('Log size too large');
        if (faults.disconnect) {
          cfg.connect(victim); // it may be behind, and need a snapshot to catch up
          await cfg.one(randInt(cfg.rand), n, true);
          leader1 = await cfg.checkOneLeader();
        }
        if (faults.crash) {
          await cfg.restart(victim);
          cfg.connect(victim);
          await cfg.one(randInt(cfg.rand), n, true);
          leader1 = await cfg.checkOneLeader();
        }
      }
    }),
  );
}

/** Crashes every peer, then restarts and connects them all. */
async function restartAll(cfg: Cluster): Promise<void> {
  for (let i = 0; i < cfg.n; i++) cfg.crash(i);
  for (let i = 0; i < cfg.n; i++) {
    await cfg.restart(i);
    cfg.connect(i);
  }
}
