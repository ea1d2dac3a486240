// Log replication (2B), and the leader's heartbeats (2A). The leader sends
// each follower the entries it lacks with AppendEntries (with none, it is a
// heartbeat: a leader is alive, no election is needed), learns from the
// replies how far each follower's log matches its own, and commits an
// entry once a majority holds it. The follower checks that its log agrees
// with the leader's just before the new entries, and makes the rest of its
// log the leader's.

import type { AppendEntriesArgs, AppendEntriesReply } from './rpc';
import type { RaftState } from './state';

/** The leader's heartbeat period: the tester allows a leader at most 10 heartbeats a second. */
export const HEARTBEAT_MS = 100;

/**
 * How long a leader may wait after start() before it sends (2B): commands
 * started meanwhile travel together, in one AppendEntries.
 */
export const BATCH_MS = 10;

/** The leader's loop for one term: AppendEntries to every follower each HEARTBEAT_MS, while it leads. */
export async function lead(rf: RaftState, term: number): Promise<void> {
  // TODO(2A): while this peer is alive and still the leader of `term`:
  // broadcastAppend(rf), then sleep HEARTBEAT_MS (sleep comes from '../labrpc',
  // as in election.ts).
}

/** start() calls this: the new entry goes out within BATCH_MS, not at the next heartbeat (2B). */
export function replicateSoon(rf: RaftState): void {
  // TODO(2B): one broadcastAppend a little later, for all the commands started until then.
}

/** Sends every other peer an AppendEntries, all at once: never one after another. */
export function broadcastAppend(rf: RaftState): void {
  // TODO(2A): for each other peer, send an AppendEntries (as startElection()
  // sends RequestVotes) and learn from its reply (as sendRequestVote() does).
  // TODO(2B): carry the entries the peer lacks, from its nextIndex on; on
  // success advance its nextIndex and matchIndex, and the commitIndex
  // (Figure 2's last rule for leaders); on a mismatch back up and try again.
}

/** A follower receives AppendEntries (raft.ts's appendEntries() hands the args here). */
export function handleAppendEntries(rf: RaftState, args: AppendEntriesArgs): AppendEntriesReply {
  // TODO(2A): refuse a stale term; otherwise a leader of a term at least
  // this peer's is alive: follow it, and put off the next election. (In 2A the
  // reply's success says only whether the term was current.)
  // TODO(2B): Figure 2's rules for AppendEntries' receiver, 2 to 5: check
  // prevLogIndex and prevLogTerm, make the log the leader's, commit what the
  // leader has committed, and apply it.
  // TODO(2C): persist before replying, if the log (or the term) changed.
  return { term: rf.currentTerm, success: false };
}
