// Every cluster is watched: the Raft events of its run (watch.ts) go to the
// strict checks (elections, applies, the heartbeat meter) and to the
// recorder of the failure aids. A strict tier's test fails at a check's
// first break; a course test keeps the breaks for its notes. Watching
// changes nothing of the run.

import type { Simulation } from '../../../sim';
import { ApplyChecks } from './applies';
import { StrictChecks } from './checks';
import { ElectionChecks } from './elections';
import { HeartbeatMeter } from './heartbeats';
import { RaftWatch } from './watch';

export interface Monitors {
  watch: RaftWatch;
  checks: StrictChecks;
  elections: ElectionChecks;
  heartbeats: HeartbeatMeter;
}

/** Watches a fresh simulation (before its first event) with every check. */
export function watchCluster(sim: Simulation, options: { n: number; strict: boolean; snapshots: boolean }): Monitors {
  const watch = new RaftWatch(sim);
  const checks = new StrictChecks(sim, options.strict);
  const elections = new ElectionChecks(checks, options.n);
  const applies = new ApplyChecks(checks, sim, options.snapshots);
  const heartbeats = new HeartbeatMeter();
  watch.listen((e) => {
    elections.on(e);
    applies.on(e);
    heartbeats.on(e);
  });
  sim.observe(watch);
  return { watch, checks, elections, heartbeats };
}
