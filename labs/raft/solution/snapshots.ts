// Snapshots (2D). The service snapshots its state every so often and
// calls snapshot(index, bytes): Raft then forgets the entries the snapshot
// covers, which keeps the persisted state small. A follower that is so far
// behind that the leader has already forgotten the entries it needs gets
// the leader's snapshot instead (InstallSnapshot), and hands it to its
// service on applyCh.

import { applySnapshot } from './applier';
import type { InstallSnapshotArgs, InstallSnapshotReply } from './rpc';
import type { RaftState } from './state';

/** The service has a snapshot of everything through index. */
export function takeSnapshot(rf: RaftState, index: number, bytes: Uint8Array): void {
  // Nothing to do for a snapshot older than the one held (a leader's
  // InstallSnapshot may have overtaken it); and the service can only have
  // snapshotted what it was given.
  if (index <= rf.log.base || index > rf.lastApplied) return;
  rf.log.compact(index);
  rf.snapshot = bytes;
  rf.persist();
}

/** The leader sends its snapshot to a peer that needs entries the log no longer holds. */
export async function sendSnapshot(rf: RaftState, peer: number): Promise<void> {
  const args: InstallSnapshotArgs = {
    term: rf.currentTerm,
    leaderId: rf.me,
    lastIncludedIndex: rf.log.base,
    lastIncludedTerm: rf.log.baseTerm,
    data: rf.snapshot,
  };
  const reply = await rf.peers[peer].call<InstallSnapshotReply>('Raft.installSnapshot', args);
  if (!reply || rf.killed()) return;
  if (reply.term > rf.currentTerm) return rf.becomeFollower(reply.term);
  if (rf.role !== 'leader' || rf.currentTerm !== args.term) return; // a stale reply
  // The peer now holds everything through the snapshot; the next heartbeat sends what follows.
  rf.matchIndex[peer] = Math.max(rf.matchIndex[peer], args.lastIncludedIndex);
  rf.nextIndex[peer] = Math.max(rf.nextIndex[peer], args.lastIncludedIndex + 1);
}

/** A follower receives its leader's snapshot. */
export function handleInstallSnapshot(rf: RaftState, args: InstallSnapshotArgs): InstallSnapshotReply {
  if (args.term < rf.currentTerm) return { term: rf.currentTerm };
  rf.followLeader(args.term);
  // Everything the snapshot covers is committed here already: the log has it, and applies it.
  if (args.lastIncludedIndex <= rf.commitIndex) return { term: rf.currentTerm };

  // Entries after the snapshot survive if the log agrees with it at its last index (section 7).
  const { lastIncludedIndex: index, lastIncludedTerm: term } = args;
  if (index <= rf.log.lastIndex && rf.log.term(index) === term) rf.log.compact(index);
  else rf.log.reset(index, term);
  rf.snapshot = args.data;
  rf.persist();

  rf.commitIndex = index;
  rf.lastApplied = index;
  applySnapshot(rf);
  return { term: rf.currentTerm };
}
