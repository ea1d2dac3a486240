// The strict tier (--strict): stricter than the course. Every test runs its
// cluster with the strict checks failing it at the first break, at the
// event that shows it (one leader and one vote per term, terms, the
// election timer, state machine safety, apply order, durability); its
// faults are drawn from the seed at a calm, moderate or harsh intensity,
// with crashes inside a peer's step right after a save, a vote or an
// append; and it ends with a liveness phase: a healthy majority must commit
// a new command within 10 s. Two tests measure what the course lets pass:
// ten heartbeats a second, and catching up fast over a long conflicting log
// on a network with latency.

import type { TestSpec } from '../../../core/lab';
import { catchUp } from '../harness/catch-up';
import { Clients } from '../harness/clients';
import type { Cluster } from '../harness/cluster';
import { ELECTION_TIMEOUT_MS } from '../harness/constants';
import { randInt } from '../harness/draws';
import { drawHealthy, livenessPhase } from '../harness/liveness';
import type { Monitors } from '../harness/monitors';
import { drawIntensity, Nemesis, type Intensity } from '../harness/nemesis';
import { quietPeriod } from '../harness/quiet';
import { raftTest, type RaftTest } from '../harness/raft-test';
import { LONGEST_HOLD_MS } from '../../../sim';

/** How long the faults of a fuzzing test last, in virtual ms. */
const FAULTS_MS = 20_000;
/** How long a quiet period is measured. */
const QUIET_MS = 3000;
/**
 * How long the quiet waits after the liveness phase: a reply held since the faults may still arrive (and a higher
 * term in it rightly deposes the leader), and the election that follows must end. Seen on the reference solution:
 * a deposed leader's late "no, term 34" started an election in the quiet, which counted its RequestVotes.
 */
const SETTLE_MS = LONGEST_HOLD_MS + ELECTION_TIMEOUT_MS;
/** How long rejoining peers have to catch up over a long conflicting log. */
const CATCH_UP_MS = 2000;
/** The tests that draw an intensity, in their places (drawIntensity turns the seed's draw by the place). */
const DRAWING = [
  'strict-elections',
  'strict-agreement',
  'strict-rejoin',
  'strict-durability',
  'strict-snapshots',
] as const;
/** The intensity of test `id` on this seed. */
const intensityOf = (cfg: Cluster, id: (typeof DRAWING)[number]): Intensity =>
  drawIntensity(cfg.rand, DRAWING.indexOf(id));
/** How many times a leader is cut off and comes back in the rejoin test. */
const REJOINS = 12;
/** How many conflicting entries the catch-up test gives the minority. */
const CONFLICTING = 150;

export const TESTS_STRICT: TestSpec<RaftTest>[] = [
  raftTest('strict-elections', 'elections under crashes and partitions (strict)', (h) =>
    h.cluster({ n: 5, crashes: true }, async (cfg, m) => {
      // many elections, some at once (the network's latency), peers back up soon, crashes most often after a vote
      const drawn = intensityOf(cfg, 'strict-elections');
      const intensity: Intensity = { ...drawn, reliable: false, pauseMs: [20, 400], downMs: [0, 100] };
      const nemesis = new Nemesis(cfg, intensity, { focus: 4, leader: () => m.elections.latestLeader() });
      h.faults = nemesis;
      await cfg.checkOneLeader();
      await nemesis.run(FAULTS_MS);
      await live(cfg, m, nemesis);
    }),
  ),

  raftTest('strict-agreement', 'agreement under faults, checked at every event (strict)', (h) =>
    h.cluster({ n: 5, crashes: true }, async (cfg, m) => {
      await clientsThroughFaults(h, cfg, m, intensityOf(cfg, 'strict-agreement'), 3);
    }),
  ),

  raftTest('strict-rejoin', 'deposed leaders rejoin, with entries of their own (strict)', (h) =>
    h.cluster({ n: 5, crashes: true }, async (cfg, m) => {
      // the seed's network and crashes inside steps; the moves are this test's own
      const nemesis = new Nemesis(cfg, intensityOf(cfg, 'strict-rejoin'));
      h.faults = nemesis;
      await cfg.one(randInt(cfg.rand), cfg.n, true);
      nemesis.begin();
      for (let round = 0; round < REJOINS; round++) {
        await nemesis.revive();
        await cfg.sleep(ELECTION_TIMEOUT_MS / 2 + cfg.rand.int(ELECTION_TIMEOUT_MS / 2));
        const old = m.elections.latestLeader();
        if (old === undefined || !cfg.alive(old) || !cfg.isConnected(old)) continue;
        // the leader takes commands it will never commit, and is cut off; the others elect, and go on
        for (let k = 1 + cfg.rand.int(5); k > 0; k--) await cfg.start(old, randInt(cfg.rand));
        cfg.disconnect(old);
        await cfg.sleep(ELECTION_TIMEOUT_MS + cfg.rand.int(ELECTION_TIMEOUT_MS));
        for (let k = 1 + cfg.rand.int(5); k > 0; k--) {
          for (let i = 0; i < cfg.n; i++) if (i !== old) await cfg.start(i, randInt(cfg.rand));
        }
        await cfg.sleep(cfg.rand.int(200));
        cfg.connect(old); // it comes back, a leader of an old term
        await cfg.sleep(cfg.rand.int(300));
      }
      await live(cfg, m, nemesis);
    }),
  ),

  raftTest('strict-durability', 'crashes right after a save, a vote or an append (strict)', (h) =>
    h.cluster({ n: 3, crashes: true }, async (cfg, m) => {
      // peers crash, inside their steps above all, or all at once, and come back soon
      const drawn = intensityOf(cfg, 'strict-durability');
      const intensity: Intensity = { ...drawn, cut: drawn.cut * 4, crashAll: 150, downMs: [0, 200] };
      await clientsThroughFaults(h, cfg, m, intensity, 2, 2);
    }),
  ),

  raftTest('strict-snapshots', 'snapshots and InstallSnapshot under faults (strict)', (h) =>
    h.cluster({ n: 3, snapshots: true, crashes: true }, async (cfg, m) => {
      await clientsThroughFaults(h, cfg, m, intensityOf(cfg, 'strict-snapshots'), 3);
    }),
  ),

  raftTest('strict-heartbeats', 'at most ten heartbeats a second, and a steady term (strict)', (h) =>
    h.cluster({ n: 3 }, async (cfg, m) => {
      await cfg.checkOneLeader();
      await cfg.sleep(ELECTION_TIMEOUT_MS); // the election's last messages settle
      await quietPeriod(cfg, m, QUIET_MS);
      for (let k = 0; k < 5; k++) await cfg.one(randInt(cfg.rand), cfg.n, true);
      await cfg.sleep(ELECTION_TIMEOUT_MS);
      await quietPeriod(cfg, m, QUIET_MS);
    }),
  ),

  raftTest('strict-backup', 'catching up over a long conflicting log, with latency (strict)', (h) =>
    h.cluster({ n: 5 }, async (cfg, m) => {
      const n = cfg.n;
      await cfg.one(randInt(cfg.rand), n, true);
      // the leader and one follower take many commands that never commit
      const leader1 = await cfg.checkOneLeader();
      const minority = [leader1, (leader1 + 1) % n];
      const majority = [2, 3, 4].map((k) => (leader1 + k) % n);
      for (const i of majority) cfg.disconnect(i);
      for (let k = 0; k < CONFLICTING; k++) await cfg.start(leader1, randInt(cfg.rand));
      await cfg.sleep(ELECTION_TIMEOUT_MS / 2);
      // the other three elect a leader and commit as many
      for (const i of minority) cfg.disconnect(i);
      for (const i of majority) cfg.connect(i);
      const leader2 = await cfg.checkOneLeader();
      let last = 0;
      for (let k = 0; k < CONFLICTING; k++) last = (await cfg.start(leader2, randInt(cfg.rand)))?.[0] ?? last;
      await cfg.wait(last, majority.length, -1);
      // a new election among them, so that the leader starts out sending from the end of its long log
      cfg.disconnect(leader2);
      await cfg.sleep(ELECTION_TIMEOUT_MS);
      cfg.connect(leader2);
      await cfg.checkOneLeader();
      // everyone together, with the network's latency: the minority must catch up over its conflicting log
      cfg.setReliable(false);
      const rejoined = cfg.now();
      for (const i of minority) cfg.connect(i);
      await catchUp(cfg, m.checks, m.elections, {
        command: randInt(cfg.rand),
        peers: Array.from({ length: n }, (_, i) => i),
        sinceMs: rejoined,
        boundMs: CATCH_UP_MS,
        why:
          `each with ${CONFLICTING} entries the others do not have: a leader backs up over a conflicting log a ` +
          `term at a time (the fast backup; the course's Backup test, on its reliable network where a round trip ` +
          `takes no virtual time, cannot tell)`,
      });
    }),
  ),
];

/** The end of a fuzzing test: the liveness phase, then a quiet period among the healthy peers. */
async function live(cfg: Cluster, m: Monitors, nemesis: Nemesis): Promise<void> {
  const healthy = drawHealthy(cfg);
  await livenessPhase(cfg, nemesis, m.checks, m.elections, healthy);
  await cfg.sleep(SETTLE_MS);
  await quietPeriod(cfg, m, QUIET_MS, healthy);
}

/**
 * The agreement tests' scenario: a first command, then `clients` clients through the faults of `intensity` (cuts
 * `focus` times likelier after a vote, a save or an append), then the end of a fuzzing test.
 */
async function clientsThroughFaults(
  h: RaftTest,
  cfg: Cluster,
  m: Monitors,
  intensity: Intensity,
  clients: number,
  focus?: number,
): Promise<void> {
  const nemesis = new Nemesis(cfg, intensity, { focus, leader: () => m.elections.latestLeader() });
  h.faults = nemesis;
  await cfg.one(randInt(cfg.rand), cfg.n, true);
  const running = new Clients(cfg);
  running.start(clients);
  await nemesis.run(FAULTS_MS);
  await running.stop();
  await live(cfg, m, nemesis);
}
