// Log replication (2B): the leader sends each follower the entries it
// lacks with AppendEntries (an empty one is a heartbeat), learns from the
// replies how far each follower's log matches its own, and commits an
// entry once a majority holds it. The follower's side checks that its log
// agrees with the leader's just before the new entries, and makes the rest
// of its log the leader's.

import { sleep } from '../labrpc';
import { applyCommitted } from './applier';
import type { AppendEntriesArgs, AppendEntriesReply } from './rpc';
import { sendSnapshot } from './snapshots';
import type { RaftState } from './state';

/** The leader's heartbeat period: the tester allows 10 heartbeats a second. */
export const HEARTBEAT_MS = 100;

/**
 * How long a leader waits after start() before it sends: commands started
 * within this window travel together in one AppendEntries, and each
 * follower saves its log once for all of them. Short enough that a service
 * waiting for each command in turn still sees it committed quickly.
 */
export const BATCH_MS = 10;

/** The leader's loop for one term: heartbeats (which also carry entries) until it is leader no more. */
export async function lead(rf: RaftState, term: number): Promise<void> {
  while (!rf.killed() && rf.role === 'leader' && rf.currentTerm === term) {
    broadcastAppend(rf);
    await sleep(HEARTBEAT_MS);
  }
}

/** A command was started: sends it (and any started meanwhile) BATCH_MS from now. */
export function replicateSoon(rf: RaftState): void {
  if (rf.sendPending) return;
  rf.sendPending = true;
  setTimeout(() => {
    rf.sendPending = false;
    if (rf.role === 'leader' && !rf.killed()) broadcastAppend(rf);
  }, BATCH_MS);
}

/** Sends every other peer what it lacks, all at once (never one after another: a peer may be unreachable). */
export function broadcastAppend(rf: RaftState): void {
  for (let peer = 0; peer < rf.peers.length; peer++) {
    if (peer !== rf.me) void sendAppend(rf, peer);
  }
}

/** One AppendEntries to one peer, and what its reply teaches the leader. */
async function sendAppend(rf: RaftState, peer: number): Promise<void> {
  const next = rf.nextIndex[peer];
  if (next <= rf.log.base) return sendSnapshot(rf, peer); // the entries it needs are in the snapshot
  const args: AppendEntriesArgs = {
    term: rf.currentTerm,
    leaderId: rf.me,
    prevLogIndex: next - 1,
    prevLogTerm: rf.log.term(next - 1),
    entries: rf.log.from(next),
    leaderCommit: rf.commitIndex,
  };
  const reply = await rf.peers[peer].call<AppendEntriesReply>('Raft.appendEntries', args);
  if (!reply || rf.killed()) return;
  if (reply.term > rf.currentTerm) return rf.becomeFollower(reply.term);
  if (rf.role !== 'leader' || rf.currentTerm !== args.term) return; // a reply from an older time

  if (reply.success) {
    const match = args.prevLogIndex + args.entries.length;
    rf.matchIndex[peer] = Math.max(rf.matchIndex[peer], match);
    rf.nextIndex[peer] = Math.max(rf.nextIndex[peer], match + 1);
    return advanceCommit(rf);
  }
  // A mismatch. Replies can come back in any order: learn only from the
  // one for the entry the leader would send now.
  if (rf.nextIndex[peer] !== next) return;
  rf.nextIndex[peer] = Math.max(backUp(rf, reply), rf.matchIndex[peer] + 1);
  void sendAppend(rf, peer); // try again at once: a lagging follower catches up in a few round trips
}

/**
 * Where to try next after a mismatch, skipping a term at a time: past the
 * follower's log if it is too short; after the leader's last entry of the
 * follower's conflicting term if the leader has that term; else to the
 * first entry the follower has of it.
 */
function backUp(rf: RaftState, reply: AppendEntriesReply): number {
  if (reply.xTerm === -1) return reply.xLen;
  const last = rf.log.lastIndexOf(reply.xTerm);
  return last === -1 ? reply.xIndex : last + 1;
}

/**
 * Commits the highest index a majority holds, if it is of the leader's own
 * term. An entry of an earlier term is never committed by counting
 * replicas: Figure 8 of the paper shows such an entry can still be
 * overwritten. It commits along with the current term's entries after it.
 */
function advanceCommit(rf: RaftState): void {
  for (let n = rf.log.lastIndex; n > rf.commitIndex && rf.log.term(n) === rf.currentTerm; n--) {
    let holders = 1; // the leader itself
    for (let peer = 0; peer < rf.peers.length; peer++) if (peer !== rf.me && rf.matchIndex[peer] >= n) holders++;
    if (holders >= rf.majority) {
      rf.commitIndex = n;
      return applyCommitted(rf);
    }
  }
}

/** A follower receives AppendEntries. */
export function handleAppendEntries(rf: RaftState, args: AppendEntriesArgs): AppendEntriesReply {
  const refuse = (xTerm: number, xIndex: number): AppendEntriesReply => ({
    term: rf.currentTerm,
    success: false,
    xTerm,
    xIndex,
    xLen: rf.log.lastIndex + 1,
  });
  if (args.term < rf.currentTerm) return refuse(-1, -1); // from a deposed leader, which will step down
  rf.followLeader(args.term);

  // Entries the snapshot covers are committed, so they agree with any leader's: skip them.
  let prev = args.prevLogIndex;
  let entries = args.entries;
  if (prev < rf.log.base) {
    entries = entries.slice(rf.log.base - prev);
    prev = rf.log.base;
  } else {
    if (prev > rf.log.lastIndex) return refuse(-1, -1);
    const term = rf.log.term(prev);
    if (term !== args.prevLogTerm) return refuse(term, rf.log.firstIndexOf(term, prev));
  }

  // Append what is new. An entry that conflicts (same index, another term)
  // goes with everything after it; one that agrees stays, so that a late,
  // shorter AppendEntries never cuts off entries a newer one brought.
  for (let k = 0; k < entries.length; k++) {
    const index = prev + 1 + k;
    if (index <= rf.log.lastIndex && rf.log.term(index) === entries[k].term) continue;
    if (index <= rf.log.lastIndex) rf.log.truncateFrom(index);
    rf.log.append(...entries.slice(k));
    rf.persist();
    break;
  }

  // Commit what the leader has committed, as far as this log is known to match the leader's.
  const lastNew = args.prevLogIndex + args.entries.length;
  if (args.leaderCommit > rf.commitIndex) {
    rf.commitIndex = Math.max(rf.commitIndex, Math.min(args.leaderCommit, lastNew));
    applyCommitted(rf);
  }
  return { term: rf.currentTerm, success: true, xTerm: -1, xIndex: -1, xLen: rf.log.lastIndex + 1 };
}
