// The same seed replays the same run, event for event: in one process, and
// across the two ways of running (one process; a process per incarnation).

import { runCluster } from '../../grader/labs/raft/harness/run';
import { ELECTION_TIMEOUT_MS } from '../../grader/labs/raft/harness/constants';
import { makeHost, usePeerBuild, type Mode } from './helpers';

const build = usePeerBuild();

/** An election, a partition, a crash and a restart: timers, RPCs, persistence and a fresh incarnation. */
async function churn(mode: Mode, seed: string, reliable = true) {
  const host = makeHost(mode, build.dir);
  const logs: string[] = [];
  try {
    const run = await runCluster(
      { n: 3, seed, host, reliable, module: 'test/sim/fixtures/raft-election', log: (line) => logs.push(line) },
      async (cfg) => {
        const leader = await cfg.checkOneLeader();
        cfg.disconnect(leader);
        await cfg.checkOneLeader();
        cfg.crash((leader + 1) % 3);
        await cfg.sleep(ELECTION_TIMEOUT_MS);
        await cfg.restart((leader + 1) % 3);
        cfg.connect((leader + 1) % 3);
        cfg.connect(leader);
        await cfg.sleep(ELECTION_TIMEOUT_MS);
        return cfg.checkOneLeader();
      },
    );
    return { ...run, logs };
  } finally {
    await host.close();
  }
}

test('the same seed twice gives the same trace, in one process', async () => {
  const first = await churn('in-process', 'replay');
  const second = await churn('in-process', 'replay');
  expect(first.traceLines).toBeGreaterThan(500);
  expect(second.traceHash).toBe(first.traceHash);
  expect(second.logs).toEqual(first.logs);
});

test('different seeds give different runs', async () => {
  const hashes = new Set<string>();
  for (const seed of ['one', 'two', 'three']) hashes.add((await churn('in-process', seed)).traceHash);
  expect(hashes.size).toBe(3);
});

test('the same seed gives the same trace in one process and with a process per incarnation', async () => {
  for (const reliable of [true, false]) {
    const inProcess = await churn('in-process', 'both-ways', reliable);
    const processes = await churn('process', 'both-ways', reliable);
    expect(processes.traceHash).toBe(inProcess.traceHash);
    expect(processes.logs).toEqual(inProcess.logs);
    expect(processes.virtualMs).toBe(inProcess.virtualMs);
  }
});
