// Shared by the simulator's tests: the peer code built once per test file,
// hosts of both kinds, and small scenario helpers.

import * as fs from 'fs';
import * as path from 'path';
import { buildPeerCode, ROOT } from './build';
import { makeTempDir, removeTempDir } from '../helpers/tmpdir';
import { InProcessHost, ProcessHost, Simulation, type PeerHost, type SimulationOptions } from '../../grader/sim';

export type Mode = 'in-process' | 'process';

/** In a describe(): the peer code compiled into a temp folder before the tests, removed after. */
export function usePeerBuild(): { dir: string } {
  const build = { dir: '' };
  beforeAll(() => {
    build.dir = buildPeerCode(makeTempDir('sim-build-'));
  });
  afterAll(() => removeTempDir(build.dir));
  return build;
}

/** A host of either kind; the caller closes it (process hosts end their processes). */
export function makeHost(mode: Mode, build: string, cpuBudgetMs = 5000): PeerHost {
  const options = { build, sourceRoot: ROOT, cpuBudgetMs };
  return mode === 'process' ? new ProcessHost(options) : new InProcessHost(options);
}

/** n peers of `module` (a fixture), each with an end to every peer, all enabled, booted. */
export async function bootPeers(sim: Simulation, module: string, n: number, lab = 'raft'): Promise<void> {
  for (let i = 0; i < n; i++) sim.addPeer(String(i), { label: `peer ${i}`, lab, args: { me: i, module } });
  for (let i = 0; i < n; i++) {
    const ends = Array.from({ length: n }, (_, j) => `${i}->${j}`);
    ends.forEach((end, j) => sim.network.makeEnd(end, String(j)));
    await sim.boot(String(i), ends);
  }
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) sim.network.enable(`${i}->${j}`, true);
}

/** Runs a scenario on a fresh simulation; closes the host. */
export async function simulate<T>(
  options: Omit<SimulationOptions, 'host'> & { mode: Mode; build: string; cpuBudgetMs?: number },
  scenario: (sim: Simulation) => Promise<T>,
): Promise<{ value: T; sim: Simulation }> {
  const host = makeHost(options.mode, options.build, options.cpuBudgetMs);
  const sim = new Simulation({ ...options, host });
  try {
    return { value: await sim.run(() => scenario(sim)), sim };
  } finally {
    await host.close();
  }
}

/** The line of a fixture that holds a marker comment ("// here: name"), as "test/sim/fixtures/x.ts:12". */
export function markedLine(fixture: string, marker: string): string {
  const file = path.join('test', 'sim', 'fixtures', fixture);
  const lines = fs.readFileSync(path.join(ROOT, file), 'utf8').split('\n');
  const index = lines.findIndex((line) => line.includes(`// here: ${marker}`));
  if (index < 0) throw new Error(`no marker ${marker} in ${file}`);
  return `${file}:${index + 1}`;
}
