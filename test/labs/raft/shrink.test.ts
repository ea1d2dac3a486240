// grader/labs/raft/harness/shrink.ts: a failed run shrunk to the losses it
// needs. First on a model run whose failure needs two given losses, then on
// a zoo defect in the simulator, in one process: the shrunk run still fails
// the same check, and --losses replays it exactly.

import * as fs from 'fs';
import * as path from 'path';
import { ROOT } from '../../sim/build';
import { TestFailure } from '../../../grader/core/outcome';
import { RaftTest, type Hosts, type LossOptions } from '../../../grader/labs/raft/harness/raft-test';
import { sameCheck, shrinkLosses, SHRINK_RUNS } from '../../../grader/labs/raft/harness/shrink';
import { InProcessHost, LossPlan, SimFailure, type PeerHost } from '../../../grader/sim';
import { makeTempDir, removeTempDir } from '../../helpers/tmpdir';
import { jsonTests, makeTmp, runRaftGrader } from './grader';
import { spec } from './helpers';
import { buildDefect } from './zoo/build';
import { DEFECTS } from './zoo/defects';

/** A model run: 60 losses drawn; it fails (numbers vary with the run) when it loses every one of `needs`. */
function modelRun(needs: number[], calls: { n: number }) {
  return async (plan: LossPlan): Promise<SimFailure | undefined> => {
    calls.n++;
    for (let i = 0; i < 60; i++) plan.decide(i * 1000, () => `message ${i}`);
    const lost = new Set(plan.lost.map((l) => l.ordinal));
    if (!needs.every((k) => lost.has(k))) return undefined;
    return new SimFailure(`commit index=${lost.size} server=1 ${calls.n} != server=2 7`);
  };
}

async function failedModel(needs: number[], calls: { n: number }) {
  const plan = new LossPlan();
  const failure = (await modelRun(needs, calls)(plan))!;
  return { failure, plan };
}

describe('shrinkLosses', () => {
  test('finds the two losses a failure needs, among sixty, and stops there', async () => {
    const calls = { n: 0 };
    const shrunk = (await shrinkLosses(await failedModel([7, 31], calls), modelRun([7, 31], calls)))!;
    expect(shrunk.kept.map((l) => l.ordinal)).toEqual([7, 31]);
    expect(shrunk.from).toBe(60);
    expect(shrunk.runs).toBe(calls.n - 1); // the failed run, then the replays it counts
    expect(shrunk.runs).toBeLessThanOrEqual(SHRINK_RUNS);
    expect(shrunk.failure.message).toBe(`commit index=2 server=1 ${calls.n} != server=2 7`);
  });

  test('a failure that needs no loss at all is shrunk to none', async () => {
    const calls = { n: 0 };
    const shrunk = (await shrinkLosses(await failedModel([], calls), modelRun([], calls)))!;
    expect({ kept: shrunk.kept, runs: shrunk.runs }).toEqual({ kept: [], runs: 1 });
  });

  test('never replays more than its budget', async () => {
    const calls = { n: 0 };
    const needs = [2, 9, 14, 20, 33, 41, 58];
    const shrunk = (await shrinkLosses(await failedModel(needs, calls), modelRun(needs, calls), 5))!;
    expect(shrunk.runs).toBe(5);
    expect(shrunk.kept.map((l) => l.ordinal)).toEqual(expect.arrayContaining(needs)); // still a failing run
  });

  test('a run that lost no message has nothing to shrink', async () => {
    const calls = { n: 0 };
    const failure = new SimFailure('expected one leader, got none');
    expect(await shrinkLosses({ failure, plan: new LossPlan() }, modelRun([], calls))).toBeUndefined();
    expect(calls.n).toBe(0);
  });

  test('the same check is the same words, whatever their numbers', () => {
    expect(sameCheck('commit index=15 server=2 730 != server=0 16', 'commit index=22 server=4 6 != server=0 5')).toBe(
      true,
    );
    expect(sameCheck('apply out of order 3', 'expected one leader, got none')).toBe(false);
  });
});

/** Every peer in this process; ended by close(). */
class InProcess implements Hosts {
  private readonly hosts: PeerHost[] = [];
  constructor(private readonly build: string) {}
  make(): PeerHost {
    const host = new InProcessHost({ build: this.build, sourceRoot: ROOT, cpuBudgetMs: 5000 });
    this.hosts.push(host);
    return host;
  }
  booted(): void {}
  async close(): Promise<undefined> {
    await Promise.all(this.hosts.map((h) => h.close()));
    return undefined;
  }
}

describe('--shrink and --losses on a zoo defect (a vote granted without the log check)', () => {
  const defect = DEFECTS.find((d) => d.name === 'vote-without-log-check')!;
  let work: string;
  let build: string;
  beforeAll(() => {
    work = makeTempDir('raft-shrink-');
    build = buildDefect(defect, path.join(work, 'defect'));
  });
  afterAll(() => removeTempDir(work));

  /** A seed on which its strict-agreement run loses messages (harsh), and fails. */
  const SEED = '7pkobmzl.12';

  /** The test's notes when it fails (it must). */
  async function failing(losses: LossOptions): Promise<string[]> {
    const h = new RaftTest(new InProcess(build), SEED, undefined, (t) => t, true, losses);
    try {
      await spec(defect.test).run(h);
    } catch (error) {
      if (error instanceof TestFailure) return error.notes;
      throw error;
    } finally {
      await h.stop();
    }
    throw new Error(`${defect.test} passed on ${SEED}`);
  }

  test('the shrunk run keeps a few of the losses, fails the same check, and --losses replays it exactly', async () => {
    const notes = await failing({ shrink: true });
    const said = notes.join('\n');
    const head =
      /--shrink \(\d+ replays\): the same check fails with only (\d+) of the run's (\d+) lost messages lost:/.exec(
        said,
      );
    expect({ head: !!head, said }).toEqual({ head: true, said });
    const [kept, from] = [Number(head![1]), Number(head![2])];
    expect(kept).toBeLessThan(from / 2);
    const ordinals = /--losses ([\d,]+|none) \(and --keep/.exec(said)![1];
    const only = ordinals === 'none' ? [] : ordinals.split(',').map(Number);
    expect(only).toHaveLength(kept);
    const shrunk = /  it fails at (\S+ s): (.*)$/m.exec(said)!;
    expect(sameCheck(shrunk[2], notes[0])).toBe(true);

    const replayed = await failing({ only });
    expect({ first: replayed[0], at: replayed[1] }).toEqual({
      first: shrunk[2],
      at: expect.stringMatching(
        new RegExp(`^failed at ${shrunk[1].replace('.', '\\.')} of virtual time, seed ${SEED}`),
      ),
    });
  }, 120_000);

  test('the grader shrinks the same way in one process and graded (a process per peer)', async () => {
    const tmp = makeTmp();
    try {
      const shrinkNotes = async (mode: string[]) => {
        const json = path.join(tmp, `${mode.length ? 'in-process' : 'graded'}.json`);
        const args = ['quiet', ...mode, '--impl', path.join(work, 'defect', 'src'), '--only', defect.test];
        const run = await runRaftGrader([...args, '--seed', SEED, '--shrink', '--json', json], tmp, 300_000);
        expect(run.code).toBe(1);
        return jsonTests(json).tests[0].notes.filter((n) => !n.startsWith('artifacts'));
      };
      const inProcess = await shrinkNotes(['--in-process']);
      expect(inProcess.some((n) => n.startsWith('--shrink ('))).toBe(true);
      expect(await shrinkNotes([])).toEqual(inProcess);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  }, 600_000);
});
