// The Raft harness's small parts: what a pass and a failure say, the
// tester's goroutines (a failure in one fails the run at once), and its
// draws (the course's rand.Int() and randstring, from the seeded stream).

import { SimFailure, Random } from '../../../grader/sim';
import { failureNotes, passNotes } from '../../../grader/labs/raft/harness/report';
import { randInt, randString } from '../../../grader/labs/raft/harness/draws';
import { Tasks } from '../../../grader/labs/raft/harness/tasks';
import { runCluster } from '../../../grader/labs/raft/harness/run';
import { makeHost, usePeerBuild } from '../../sim/helpers';

const build = usePeerBuild();

test("a pass prints the course's figures, time in virtual seconds, and the trace's hash", () => {
  const figures = { virtualMs: 3456.7, peers: 3, rpcs: 58, commands: 0, traceHash: 'ab'.repeat(32) };
  expect(passNotes(figures)).toEqual([
    '... Passed -- 3.5 s (virtual), 3 peers, 58 RPCs, 0 commands',
    'trace abababababababab',
  ]);
});

test('a failure says the check, when in virtual time, the seed and the trace, naming files as the student does', () => {
  const failure = new SimFailure('peer 1: src/raft/raft.ts:12 threw TypeError: x', ['see src/raft/raft.ts']).stamp(
    1234.5678,
    'S',
  );
  failure.traceHash = '0123456789abcdef'.repeat(4);
  const relabel = (text: string) => text.split('src/raft/').join('mine/');
  expect(failureNotes(failure, relabel)).toEqual([
    'peer 1: mine/raft.ts:12 threw TypeError: x',
    'failed at 1.235 s of virtual time, seed S, trace 0123456789abcdef',
    'see mine/raft.ts',
  ]);
});

test("a failed check in one of the tester's goroutines fails the whole run then", async () => {
  const host = makeHost('in-process', build.dir);
  const seen: string[] = [];
  try {
    const outcome = await runCluster(
      { n: 3, seed: 'tasks', host, module: 'test/sim/fixtures/raft-election' },
      async (cfg) => {
        const tasks = new Tasks(cfg);
        void tasks.go(async () => {
          await cfg.sleep(100);
          cfg.fail('the goroutine saw a bad thing');
        });
        const ok = tasks.go(async () => 7);
        await cfg.sleep(50);
        seen.push(`at 50 ms: ${String(await ok)}`);
        await cfg.sleep(1000); // the goroutine's failure ends the run before this ends
        seen.push('never');
      },
    ).catch((error: unknown) => error);
    expect(outcome).toBeInstanceOf(SimFailure);
    expect((outcome as SimFailure).message).toBe('the goroutine saw a bad thing');
    expect((outcome as SimFailure).atMs).toBe(100);
    expect(seen).toEqual(['at 50 ms: 7']);
  } finally {
    await host.close();
  }
});

test("the draws are the course's, from the seed: rand.Int() a safe integer, randstring base64", () => {
  const a = new Random('draws');
  const b = new Random('draws');
  const ints = Array.from({ length: 1000 }, () => randInt(a));
  expect(ints).toEqual(Array.from({ length: 1000 }, () => randInt(b)));
  for (const x of ints) expect(Number.isSafeInteger(x) && x >= 0).toBe(true);
  expect(Math.max(...ints)).toBeGreaterThan(2 ** 50); // the whole range, not 32 bits
  const text = randString(a, 5000);
  expect(text).toMatch(/^[A-Za-z0-9+/]{5000}$/);
});
