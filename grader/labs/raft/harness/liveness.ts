// The liveness phase that ends every strict test (TigerBeetle's VOPR has
// one): once the faults are over, a healthy majority (up, connected, on a
// reliable network; the seed says which peers, and whether the others stay
// down) must commit a new command within a bound. Faults that always heal
// hide livelocks (a leader that never steps down, a follower never caught
// up, elections that never end); this is where they show.

import { seconds, type StrictChecks } from './checks';
import type { Cluster } from './cluster';
import type { ElectionChecks } from './elections';
import type { Nemesis } from './nemesis';

/** How long the healthy majority has to commit: the course's one() gives agreement 10 s. */
export const LIVENESS_MS = 10_000;

/** The liveness phase's commands: far from the tests' own. */
const LIVENESS_COMMAND = 9_000_000_000;

/** How often it looks for a leader, and then for the commit. */
const POLL_MS = 20;

/** The seed's healthy majority: every peer, or a majority of them. */
export function drawHealthy(cfg: Cluster): number[] {
  const majority = Math.floor(cfg.n / 2) + 1;
  const size = majority + cfg.rand.int(cfg.n - majority + 1);
  const peers = Array.from({ length: cfg.n }, (_, i) => i);
  for (let i = peers.length - 1; i > 0; i--) {
    const j = cfg.rand.int(i + 1);
    [peers[i], peers[j]] = [peers[j], peers[i]];
  }
  return peers.slice(0, size).sort((a, b) => a - b);
}

/**
 * Heals the cluster to the healthy majority (drawHealthy's) and waits for
 * it to commit a new command on every one of its peers; a break of the
 * liveness check if it does not within LIVENESS_MS. Returns the index.
 */
export async function livenessPhase(
  cfg: Cluster,
  nemesis: Nemesis,
  checks: StrictChecks,
  elections: ElectionChecks,
  healthy: number[],
): Promise<number | undefined> {
  await nemesis.heal(healthy);
  const healedMs = cfg.now();
  const deadline = healedMs + LIVENESS_MS;
  let attempt = 0;
  while (cfg.now() < deadline) {
    const command = LIVENESS_COMMAND + attempt++;
    let index = -1;
    for (const i of healthy) {
      const reply = await cfg.start(i, command);
      if (reply?.[2]) {
        index = reply[0];
        break;
      }
    }
    if (index === -1) {
      await cfg.sleep(POLL_MS);
      continue;
    }
    // this leader's term may end before it commits: look for a while, then start again
    const started = cfg.now();
    while (cfg.now() < deadline && cfg.now() - started < 2000) {
      const [count, applied] = cfg.nCommitted(index);
      if (count >= healthy.length && applied === command) return index;
      await cfg.sleep(POLL_MS);
    }
  }
  const leaders = elections.leadersSince(healedMs * 1000);
  checks.break(
    'liveness',
    `after the faults ended at ${seconds(healedMs)}, peers ${healthy.join(', ')} (a majority: up, connected, ` +
      `the network reliable${healthy.length < cfg.n ? ', the others cut off' : ''}) had not all committed a new ` +
      `command ${LIVENESS_MS / 1000} s later; ` +
      (leaders.length ? `leaders that acted since: ${leaders.join('; ')}` : 'no peer acted as leader since'),
  );
  return undefined;
}
