// How long peers take to catch up once they rejoin: every one of them must
// apply a new command within a bound. The course's Backup test asks a
// leader to back up fast over long conflicting logs, but in virtual time,
// on its reliable network, a round trip takes no time, and backing up one
// entry per round trip costs nothing; here the network has its latency.

import type { StrictChecks } from './checks';
import { seconds } from './checks';
import type { Cluster } from './cluster';

/** How often it looks. */
const POLL_MS = 10;

/**
 * Starts `command` on the leader and waits for all `peers` to apply it,
 * at most `boundMs` from `sinceMs`; a break of the catch-up check if not.
 */
export async function catchUp(
  cfg: Cluster,
  checks: StrictChecks,
  args: { command: number; peers: number[]; sinceMs: number; boundMs: number; why: string },
): Promise<void> {
  const deadline = args.sinceMs + args.boundMs;
  let index = -1;
  while (cfg.now() < deadline) {
    if (index === -1) {
      for (const i of args.peers) {
        const reply = await cfg.start(i, args.command);
        if (reply?.[2]) index = reply[0];
      }
    }
    if (index !== -1) {
      const [count, command] = cfg.nCommitted(index);
      if (count >= args.peers.length && command === args.command) return;
    }
    await cfg.sleep(POLL_MS);
  }
  const behind = index === -1 ? args.peers : args.peers.filter((i) => !cfg.hasApplied(i, index));
  checks.break(
    'catch-up',
    `peer${behind.length === 1 ? '' : 's'} ${behind.join(', ')} had not applied a new command ` +
      `${args.boundMs / 1000} s after rejoining at ${seconds(args.sinceMs)}, ${args.why}`,
  );
}
