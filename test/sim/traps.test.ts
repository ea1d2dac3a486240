// What escapes the simulation is trapped, and the run fails with one line
// naming the student's .ts file and line: real I/O, a real timer, the real
// machine, exiting, a value that would not survive an RPC, an unhandled
// rejection, and a peer that never yields (a loop on Date.now(), which is
// virtual and so never moves while the loop runs; an endless microtask chain).

import * as path from 'path';
import execa = require('execa');
import { SimFailure, type Simulation } from '../../grader/sim';
import { ROOT } from './build';
import { bootPeers, markedLine, simulate, usePeerBuild, type Mode } from './helpers';

const build = usePeerBuild();

/** Boots one misbehaving peer, invokes `method`, waits a little; the failure it ends with. */
async function failureOf(mode: Mode, method: string, module = 'test/sim/fixtures/misbehave'): Promise<SimFailure> {
  if (mode === 'in-process' && method === 'rejectLater') return inChildProcess(method);
  try {
    await simulate({ seed: `trap-${method}`, mode, build: build.dir, cpuBudgetMs: 1000 }, async (sim: Simulation) => {
      await bootPeers(sim, module, 1);
      if (method) await sim.invoke('0', 'Raft', method);
      await sim.sleep(100);
    });
  } catch (error) {
    if (error instanceof SimFailure) return error;
    throw error;
  }
  throw new Error('the run passed');
}

/** The in-process run in a process of its own, outside jest (see child/trap-in-process.ts). */
async function inChildProcess(method: string): Promise<SimFailure> {
  const script = path.join(ROOT, 'test', 'sim', 'child', 'trap-in-process.ts');
  const args = ['-r', 'ts-node/register/transpile-only', script, build.dir, method];
  const { stdout } = await execa(process.execPath, args, { cwd: ROOT, timeout: 60_000, killSignal: 'SIGKILL' });
  const seen = JSON.parse(stdout) as { message: string; atMs: number; seed: string };
  return Object.assign(new SimFailure(seen.message), { atMs: seen.atMs, seed: seen.seed });
}

describe.each<Mode>(['in-process', 'process'])('%s', (mode) => {
  test("require('fs') names the line", async () => {
    expect((await failureOf(mode, 'requireFs')).message).toBe(
      `peer 0: ${markedLine('misbehave.ts', 'require-fs')} requires 'fs': real I/O is outside the simulation; the persister is the only disk`,
    );
  });

  test('an import of fs at load time fails the boot with its line', async () => {
    expect((await failureOf(mode, '', 'test/sim/fixtures/requires-fs-at-load')).message).toBe(
      `peer 0: ${markedLine('requires-fs-at-load.ts', 'import-fs')} requires 'fs': real I/O is outside the simulation; the persister is the only disk`,
    );
  });

  test('a real timer (AbortSignal.timeout) names the line', async () => {
    expect((await failureOf(mode, 'realTimer')).message).toBe(
      `peer 0: ${markedLine('misbehave.ts', 'real-timer')} calls AbortSignal.timeout(): it is a real timer; use setTimeout and an AbortController`,
    );
  });

  test('waiting for Date.now() to move, without yielding, is caught with its line', async () => {
    const failure = await failureOf(mode, 'spinOnDate');
    expect(failure.message).toBe(`peer 0 ran 1 s of CPU without yielding, at ${markedLine('misbehave.ts', 'spin')}`);
    expect(failure.atMs).toBe(0);
  });

  test('an endless chain of microtasks is caught with its line', async () => {
    expect((await failureOf(mode, 'endlessMicrotasks')).message).toBe(
      `peer 0 ran 1 s of CPU without yielding, at ${markedLine('misbehave.ts', 'chain')}`,
    );
  });

  test('an RPC whose args hold a Map names the call and the field', async () => {
    expect((await failureOf(mode, 'sendMap')).message).toBe(
      `peer 0: ${markedLine('misbehave.ts', 'send-map')} calls Raft.appendEntries: the field args.entries[1].command is a Map, which does not survive an RPC: use a plain object or an array`,
    );
  });

  test('an unhandled rejection fails the run when it happens', async () => {
    const failure = await failureOf(mode, 'rejectLater');
    expect(failure.message).toBe(
      `peer 0: ${markedLine('misbehave.ts', 'rejection')} threw TypeError: nobody catches this (in an async function whose rejection nobody handled)`,
    );
    expect(failure.atMs).toBe(10);
    expect(failure.seed).toBe('trap-rejectLater');
  });

  test('process.exit() and process.uptime() name their lines', async () => {
    expect((await failureOf(mode, 'exit')).message).toBe(
      `peer 0: ${markedLine('misbehave.ts', 'exit')} calls process.exit(): a peer never exits; the tester crashes and restarts it`,
    );
    expect((await failureOf(mode, 'readMachine')).message).toBe(
      `peer 0: ${markedLine('misbehave.ts', 'uptime')} calls process.uptime(): it reads the real machine, which is outside the simulation`,
    );
  });
});

test('a peer that never lets virtual time move (a setImmediate loop) fails the run', async () => {
  const failure = await failureOf('in-process', 'immediateLoop');
  expect(failure.message).toBe('virtual time stood still at 0 ms: 100001 events at one instant (a setImmediate loop?)');
});

test('a run past its time limit fails at the limit', async () => {
  const failure = await simulate(
    { seed: 'limit', mode: 'in-process', build: build.dir, limitMs: 120_000 },
    async (sim) => {
      await bootPeers(sim, 'test/sim/fixtures/module-state', 1);
      await sim.sleep(200_000);
    },
  ).catch((error: unknown) => error as SimFailure);
  expect(failure).toMatchObject({ message: 'the test took longer than 120 seconds', atMs: 120_000, seed: 'limit' });
});
