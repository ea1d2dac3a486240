// How long peers take to catch up once they rejoin: every one of them must
// apply a new command within a bound. The course's Backup test asks a
// leader to back up fast over long conflicting logs, but in virtual time,
// on its reliable network, a round trip takes no time, and backing up one
// entry per round trip costs nothing; here the network has its latency.

import type { StrictChecks } from './checks';
import { seconds } from './checks';
import type { Cluster } from './cluster';
import type { ElectionChecks } from './elections';

/** How often it looks. */
const POLL_MS = 10;
/** How often it starts another command (a leader's term may end before it commits the last one). */
const RESTART_MS = 100;

/**
 * Starts commands (`command`, `command` + 1, ...) on whichever peer leads
 * and waits for all `peers` to apply one of them, at most `boundMs` from
 * `sinceMs`; a break of the catch-up check if they do not.
 */
export async function catchUp(
  cfg: Cluster,
  checks: StrictChecks,
  elections: ElectionChecks,
  args: { command: number; peers: number[]; sinceMs: number; boundMs: number; why: string },
): Promise<void> {
  const deadline = args.sinceMs + args.boundMs;
  const started: { index: number; command: number }[] = [];
  let lastStart = -Infinity;
  while (cfg.now() < deadline) {
    if (cfg.now() - lastStart >= RESTART_MS) {
      const command = args.command + started.length;
      for (const i of args.peers) {
        const reply = await cfg.start(i, command);
        if (reply?.[2]) started.push({ index: reply[0], command });
      }
      lastStart = cfg.now();
    }
    const done = started.some(({ index, command }) => {
      const [count, applied] = cfg.nCommitted(index);
      return count >= args.peers.length && applied === command;
    });
    if (done) return;
    await cfg.sleep(POLL_MS);
  }
  const index = started.length ? Math.min(...started.map((s) => s.index)) : -1;
  const behind = index === -1 ? args.peers : args.peers.filter((i) => !cfg.hasApplied(i, index));
  const leaders = elections.leadersSince(args.sinceMs * 1000);
  checks.break(
    'catch-up',
    `peer${behind.length === 1 ? '' : 's'} ${behind.join(', ')} had not applied a new command ` +
      `${args.boundMs / 1000} s after rejoining at ${seconds(args.sinceMs)}, ${args.why}` +
      (index === -1 ? '; no peer took the command as leader' : '') +
      (leaders.length ? `; leaders since: ${leaders.join('; ')}` : ''),
  );
}
