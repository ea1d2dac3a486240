// Shared by the Raft lab's tests: a Raft folder (the reference solution, the
// placeholder skeleton) compiled as src/raft beside the kit's labrpc, and the
// lab's own test specs run on it directly, in one process or with a process
// per peer, without the grader's command line around them.

import { buildPeerCode, ROOT } from '../../sim/build';
import { makeTempDir, removeTempDir } from '../../helpers/tmpdir';
import { InProcessHost, ProcessHost, type PeerHost } from '../../../grader/sim';
import { TestFailure } from '../../../grader/core/outcome';
import type { TestSpec } from '../../../grader/core/lab';
import { lab } from '../../../grader/labs/raft/manifest';
import { RaftTest, type Hosts } from '../../../grader/labs/raft/harness/raft-test';
import { passNotes } from '../../../grader/labs/raft/harness/report';

export type Mode = 'in-process' | 'process';

export const SOLUTION = 'labs/raft/solution';
export const SKELETON = 'src/raft';

/** In a describe(): `impl` compiled as src/raft into a temp folder before the tests, removed after. */
export function useRaftBuild(impl: string): { dir: string } {
  const build = { dir: '' };
  beforeAll(() => {
    const trees = ['src/labrpc', 'src/kit', { from: impl, to: 'src/raft' }];
    build.dir = buildPeerCode(makeTempDir('raft-build-'), trees);
  });
  afterAll(() => removeTempDir(build.dir));
  return build;
}

/** The lab's tests, by id. */
export function spec(id: string): TestSpec<RaftTest> {
  return tierOf(id).tests.find((t) => t.id === id)!;
}

/** The tier a test is in. */
function tierOf(id: string): (typeof lab.tiers)[number] {
  const tier = lab.tiers.find((t) => t.tests.some((test) => test.id === id));
  if (!tier) throw new Error(`no Raft test ${id}`);
  return tier;
}

/** The ids of a tier's tests ("2A"). */
export function tierIds(tier: string): string[] {
  return lab.tiers.find((t) => t.id === tier)!.tests.map((t) => t.id);
}

/** Hosts of one kind, as the grader's would be but with no wall: every peer ended by close(). */
class LocalHosts implements Hosts {
  private readonly hosts: PeerHost[] = [];

  constructor(
    private readonly build: string,
    private readonly mode: Mode,
  ) {}

  make(n: number): PeerHost {
    const code = { build: this.build, sourceRoot: ROOT, cpuBudgetMs: 5000 };
    const host = this.mode === 'in-process' ? new InProcessHost(code) : new ProcessHost({ ...code, spares: 0 });
    if (host instanceof ProcessHost) host.prestart(n);
    this.hosts.push(host);
    return host;
  }

  booted(host: PeerHost, crashes: boolean): void {
    if (host instanceof ProcessHost) host.keepSpares(crashes ? 1 : 0);
  }

  async close(): Promise<undefined> {
    await Promise.all(this.hosts.map((host) => host.close()));
    return undefined; // no budgets here: no wall
  }
}

export interface SpecRun {
  passed: boolean;
  /** The PASS line's notes, or the failure's. */
  notes: string[];
  /** The trace's hash (failed runs too). */
  traceHash: string;
  virtualMs: number;
}

/**
 * Runs one of the lab's tests on the build with a seed: strict if its tier
 * is (its checks fail it), else with what they saw as notes, as the
 * grader's finish says them.
 */
export async function runSpec(id: string, build: string, seed: string, mode: Mode = 'in-process'): Promise<SpecRun> {
  const hosts = new LocalHosts(build, mode);
  const strict = tierOf(id).strict === true;
  const h = new RaftTest(hosts, seed, undefined, (text) => text, strict);
  try {
    await spec(id).run(h);
    const figures = h.figures!;
    const faults = h.faults ? [h.faults.describe()] : [];
    const notes = [...passNotes(figures), ...h.notes, ...faults, ...(strict ? [] : h.strictNotes())];
    return { passed: true, notes, traceHash: figures.traceHash, virtualMs: figures.virtualMs };
  } catch (error) {
    if (!(error instanceof TestFailure) || !h.failure) throw error;
    const notes = [...error.notes, ...(h.faults ? [h.faults.describe()] : []), ...(strict ? [] : h.strictNotes())];
    return { passed: false, notes, traceHash: h.failure.traceHash, virtualMs: h.failure.atMs };
  } finally {
    await h.stop();
  }
}
