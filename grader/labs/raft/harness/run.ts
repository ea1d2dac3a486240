// Runs one test's scenario on a fresh cluster, in virtual time: the
// course's make_config, the test, and the cleanup (every peer stopped).

import { Simulation } from '../../../sim';
import { Cluster, type ClusterOptions } from './cluster';
import { TEST_LIMIT_MS } from './constants';

export interface ClusterRun<T> {
  value: T;
  /** Events the simulation ran. */
  events: number;
  traceHash: string;
  traceLines: number;
  virtualMs: number;
  rpcs: number;
  bytes: number;
  /** The highest index any peer applied (the course's count of commands). */
  commands: number;
}

/** Runs a scenario on a fresh cluster (the course's make_config ... cleanup) in virtual time. */
export async function runCluster<T>(
  options: ClusterOptions,
  scenario: (cluster: Cluster) => Promise<T>,
): Promise<ClusterRun<T>> {
  const { seed, host, log, traceLines } = options;
  const sim = new Simulation({ seed, host, log, traceLines, limitMs: TEST_LIMIT_MS });
  let cluster: Cluster | undefined;
  const value = await sim.run(async () => scenario((cluster = await Cluster.start(sim, options))));
  const network = sim.network;
  return {
    value,
    events: sim.events,
    traceHash: sim.trace.digest(),
    traceLines: sim.trace.lines,
    virtualMs: sim.nowMs(),
    rpcs: network.totalCount(),
    bytes: network.totalBytes(),
    commands: cluster?.maxIndex() ?? 0,
  };
}
