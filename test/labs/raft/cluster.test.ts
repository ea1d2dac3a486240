// The Cluster harness on a fake Raft (peer 0 leads forever and sends each
// command to every peer): one(), nCommitted(), wait(), the counts, and the
// applier's checks, which fail the run at the virtual time of the bad apply.

import { decode } from '../../../src/labrpc';
import { SimFailure } from '../../../grader/sim';
import type { Cluster, ClusterOptions } from '../../../grader/labs/raft/harness/cluster';
import { runCluster } from '../../../grader/labs/raft/harness/run';
import { makeHost, usePeerBuild } from '../../sim/helpers';

const build = usePeerBuild();

async function run<T>(options: Partial<ClusterOptions>, scenario: (cfg: Cluster) => Promise<T>) {
  const host = makeHost('in-process', build.dir);
  try {
    return await runCluster(
      { n: 3, seed: 'cluster', host, module: 'test/sim/fixtures/fake-raft', ...options },
      scenario,
    );
  } finally {
    await host.close();
  }
}

test('one() submits to the leader and returns the index once enough peers applied the command', async () => {
  const { value, rpcs } = await run({}, async (cfg) => {
    const indexes = [await cfg.one(101, 3, false), await cfg.one({ op: 'put', key: 'k' }, 3, false)];
    const [count, command] = cfg.nCommitted(2);
    return { indexes, count, command, waited: await cfg.wait(1, 3, -1), at: cfg.now(), rpcTotal: cfg.rpcTotal() };
  });
  expect(value.indexes).toEqual([1, 2]);
  expect(value.count).toBe(3);
  expect(value.command).toEqual({ op: 'put', key: 'k' });
  expect(value.waited).toBe(101);
  // the followers apply just after start() returns (a later event at the same instant), so each one() sees
  // them at its second look, 20 ms on; then wait() finds index 1 at once
  expect(value.at).toBe(40);
  expect(value.rpcTotal).toBe(4); // two commands to two followers
  expect(rpcs).toBe(4);
});

test('a peer that applies another command at an index fails the run then, with the seed', async () => {
  const failure = await run({ module: 'test/sim/fixtures/fake-raft-diverges', seed: 'diverges' }, async (cfg) => {
    await cfg.one(1, 3, false);
    await cfg.sleep(30);
    await cfg.one(2, 3, false);
  }).catch((error: unknown) => error);
  expect(failure).toBeInstanceOf(SimFailure);
  expect((failure as SimFailure).message).toBe('commit index=2 server=2 {"not":2} != server=0 2');
  expect((failure as SimFailure).atMs).toBe(50); // the first one() took 20 ms, the sleep 30; then peer 2 applied
  expect((failure as SimFailure).seed).toBe('diverges');
  expect((failure as SimFailure).traceHash).toMatch(/^[0-9a-f]{64}$/); // the run up to the failure, which the seed repeats
  expect((failure as SimFailure).traceTail.slice(-2)).toEqual([
    expect.stringMatching(/^50000 apply peer2#1 #[0-9a-f]{8}$/), // what happened last: the bad apply
    '50000 reply peer2#1 rpc=4', // (and the rest of that step)
  ]);
});

test('one() without retry fails when a disconnected majority cannot apply', async () => {
  const failure = await run({}, async (cfg) => {
    cfg.disconnect(1);
    cfg.disconnect(2);
    await cfg.one(7, 3, false);
  }).catch((error: unknown) => error);
  expect((failure as SimFailure).message).toBe('one(7) failed to reach agreement');
  expect((failure as SimFailure).atMs).toBe(2000); // the 2 s a round of agreement may take
});

test('with snapshots the tester asks for one every 10 commands, holding the commands so far', async () => {
  const { value } = await run({ snapshots: true }, async (cfg) => {
    for (let i = 1; i <= 10; i++) await cfg.one(i * 10, 3, false);
    await cfg.sleep(1);
    return (await cfg.sim.invoke('1', 'Raft', 'getSnapshots')).value as [number, Uint8Array][];
  });
  expect(value.map(([index]) => index)).toEqual([9]);
  const snapshot = decode<{ index: number; log: (string | null)[] }>(value[0][1]);
  expect(snapshot.index).toBe(9);
  expect(snapshot.log).toEqual([null, '10', '20', '30', '40', '50', '60', '70', '80', '90']);
});

test('checkOneLeader, checkTerms and the counts see the connected peers', async () => {
  const { value } = await run({}, async (cfg) => {
    const leader = await cfg.checkOneLeader();
    const term = await cfg.checkTerms();
    cfg.crash(1);
    const state = await cfg.getState(1);
    return { leader, term, state, counts: [0, 1, 2].map((i) => cfg.rpcCount(i)), max: cfg.maxRaftStateSize() };
  });
  expect(value).toEqual({ leader: 0, term: 1, state: null, counts: [0, 0, 0], max: 0 });
});
