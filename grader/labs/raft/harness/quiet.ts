// A quiet period of a strict test, measured: the cluster is healthy and
// nobody starts a command; the leader's heartbeats must stay within the
// lab's ten a second to each follower, and nobody may stand for election.

import { seconds, secondsUs } from './checks';
import type { Cluster } from './cluster';
import { HEARTBEATS_PER_SECOND } from './heartbeats';
import type { Monitors } from './monitors';

/** Holds the cluster quiet for `ms` and checks the heartbeats and the term among `peers` (the healthy ones). */
export async function quietPeriod(cfg: Cluster, monitors: Monitors, ms: number, peers?: number[]): Promise<void> {
  const { heartbeats, checks } = monitors;
  const from = cfg.now();
  heartbeats.begin(from * 1000, peers);
  await cfg.sleep(ms);
  heartbeats.end(cfg.now() * 1000);
  const span = `the quiet from ${seconds(from)} to ${seconds(cfg.now())} (a healthy cluster, no commands)`;
  const busiest = heartbeats.busiest();
  if (busiest && busiest.count > HEARTBEATS_PER_SECOND) {
    checks.break(
      'heartbeats',
      `peer ${busiest.from} sent ${busiest.count} RPCs to peer ${busiest.to} within one second ` +
        `(from ${secondsUs(busiest.startUs)}) in ${span}; the lab allows at most ${HEARTBEATS_PER_SECOND} heartbeats a second`,
    );
  }
  const election = heartbeats.elections[0];
  if (election) {
    checks.break(
      'term stability',
      `peer ${election.peer} stood for election${election.term !== undefined ? ` (term ${election.term})` : ''} ` +
        `at ${secondsUs(election.at)}, in ${span}: with nothing failing, a leader's heartbeats keep every follower from standing`,
    );
  }
}
