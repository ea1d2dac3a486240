// The process host: incarnations in processes started by an injected spawn
// function, one spare always ready; every process ended by close(); a peer
// process that dies is a failure that says how, and so is one that stops
// answering in real time (blocked outside the simulation).

import { ProcessHost, SimFailure, Simulation, spawnLocal, type PeerChild } from '../../grader/sim';
import { ROOT } from './build';
import { bootPeers, usePeerBuild } from './helpers';

const build = usePeerBuild();

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A process host whose every process is recorded in `started`. */
function recordingHost(started: PeerChild[], spares?: number): ProcessHost {
  return new ProcessHost({
    build: build.dir,
    sourceRoot: ROOT,
    cpuBudgetMs: 5000,
    spares,
    spawn: (argv, env) => {
      const child = spawnLocal(argv, env);
      started.push(child);
      return child;
    },
  });
}

test('restarts take the spare; the injected spawn starts every process; close() ends them all', async () => {
  const started: PeerChild[] = [];
  const host = recordingHost(started);
  const sim = new Simulation({ seed: 'spare', host });
  try {
    await sim.run(async () => {
      await bootPeers(sim, 'test/sim/fixtures/module-state', 2);
      expect(started).toHaveLength(3); // two peers and the spare
      for (let round = 0; round < 3; round++) {
        sim.crash('1');
        await sim.boot('1', ['1->0', '1->1']);
        expect((await sim.invoke('1', 'Raft', 'loads')).value).toBe(1);
      }
      expect(started).toHaveLength(6);
      expect(started.filter((child) => alive(child.pid))).toHaveLength(3); // the crashed ones were killed
    });
  } finally {
    await host.close();
  }
  expect(started.filter((child) => alive(child.pid))).toEqual([]);
});

test('a peer process that dies fails the run with how it died', async () => {
  let victim: PeerChild | undefined;
  const host = new ProcessHost({
    build: build.dir,
    sourceRoot: ROOT,
    cpuBudgetMs: 5000,
    spawn: (argv, env) => (victim ??= spawnLocal(argv, env)),
  });
  const sim = new Simulation({ seed: 'dies', host });
  const outcome = sim
    .run(async () => {
      await bootPeers(sim, 'test/sim/fixtures/module-state', 1);
      process.kill(victim!.pid, 'SIGKILL'); // its next step waits for an answer the exit gives instead
      await sim.sleep(1000);
    })
    .catch((error: unknown) => error);
  try {
    const failure = (await outcome) as SimFailure;
    expect(failure).toBeInstanceOf(SimFailure);
    expect(failure.message).toBe("peer 0's process was killed by SIGKILL");
    expect(failure.atMs).toBe(100); // its first timer was due then
  } finally {
    await host.close();
  }
});

test("prestart() starts a cluster's processes at once; keepSpares() sets how many wait for restarts", async () => {
  const started: PeerChild[] = [];
  const host = recordingHost(started, 0);
  const sim = new Simulation({ seed: 'prestart', host });
  try {
    await sim.run(async () => {
      host.prestart(3);
      expect(started).toHaveLength(3); // all three before the first boot
      await bootPeers(sim, 'test/sim/fixtures/module-state', 3);
      expect(started).toHaveLength(3); // the boots took them, and started none
      host.keepSpares(1);
      expect(started).toHaveLength(4);
      sim.crash('2');
      await sim.boot('2', ['2->0', '2->1', '2->2']);
      expect(started).toHaveLength(5); // the restart took the spare and started the next
      host.keepSpares(0);
      expect(await started[4].exited).toEqual({ code: null, signal: 'SIGKILL' }); // the spare no one needs is ended
    });
  } finally {
    await host.close();
  }
  expect(started.filter((child) => alive(child.pid))).toEqual([]);
});

test('a peer process that stops answering (no CPU used) is ended after the step limit, and the run fails', async () => {
  let victim: PeerChild | undefined;
  const host = new ProcessHost({
    build: build.dir,
    sourceRoot: ROOT,
    cpuBudgetMs: 5000,
    stepLimitMs: 500,
    spawn: (argv, env) => (victim ??= spawnLocal(argv, env)),
  });
  const sim = new Simulation({ seed: 'blocked', host });
  const outcome = sim
    .run(async () => {
      await bootPeers(sim, 'test/sim/fixtures/module-state', 1);
      process.kill(victim!.pid, 'SIGSTOP'); // as a real sleep would: it takes no CPU, and never answers
      await sim.sleep(1000);
    })
    .catch((error: unknown) => error);
  try {
    const failure = (await outcome) as SimFailure;
    expect(failure).toBeInstanceOf(SimFailure);
    expect(failure.message).toBe(
      'peer 0 did not finish a step in 0.5 s of real time: it is blocked outside the simulation ' +
        '(a real sleep, a synchronous wait or real I/O?); its process was ended',
    );
    expect(failure.atMs).toBe(100);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(alive(victim!.pid)).toBe(false);
  } finally {
    await host.close();
  }
});
