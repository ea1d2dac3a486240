// Runs one test's scenario on a fresh cluster, in virtual time: the
// course's make_config, the test, and the cleanup (every peer stopped). The
// cluster is watched from its first event (monitors.ts).

import { Simulation, type LossPlan } from '../../../sim';
import { Cluster, type ClusterOptions } from './cluster';
import { TEST_LIMIT_MS } from './constants';
import { watchCluster, type Monitors } from './monitors';

export interface RunOptions extends ClusterOptions {
  /** A strict tier's test: a strict check's first break fails the run. */
  strict?: boolean;
  /** Called with the monitors before the first event (the failure aids listen too). */
  watched?: (monitors: Monitors) => void;
  /** Which of the network's losses are lost (all, without one): a shrunk run spares some. */
  losses?: LossPlan;
}

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
  monitors: Monitors;
}

/** Runs a scenario on a fresh cluster (the course's make_config ... cleanup) in virtual time. */
export async function runCluster<T>(
  options: RunOptions,
  scenario: (cluster: Cluster, monitors: Monitors) => Promise<T>,
): Promise<ClusterRun<T>> {
  const { seed, host, log, traceLines, losses } = options;
  const sim = new Simulation({ seed, host, log, traceLines, losses, limitMs: TEST_LIMIT_MS });
  const strict = options.strict ?? false;
  const monitors = watchCluster(sim, { n: options.n, strict, snapshots: options.snapshots ?? false });
  options.watched?.(monitors);
  let cluster: Cluster | undefined;
  const value = await sim.run(async () => scenario((cluster = await Cluster.start(sim, options)), monitors));
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
    monitors,
  };
}
