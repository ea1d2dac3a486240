// Snapshots (2D). Every so often the service snapshots its state and calls
// snapshot(index, bytes): Raft then forgets the entries the snapshot
// covers, which keeps the persisted state small. A follower so far behind
// that the leader has already forgotten the entries it needs gets the
// leader's snapshot instead (InstallSnapshot), and hands it to its service
// on applyCh.

import type { InstallSnapshotArgs, InstallSnapshotReply } from './rpc';
import type { RaftState } from './state';

/** The service has a snapshot of everything through index (raft.ts's snapshot() hands it here). */
export function takeSnapshot(rf: RaftState, index: number, bytes: Uint8Array): void {
  // TODO(2D): keep the bytes, drop the log's entries through index, and
  // persist both. Ignore a snapshot no newer than the one held.
}

/** The leader sends its snapshot to a peer that needs entries its log no longer holds. */
export async function sendSnapshot(rf: RaftState, peer: number): Promise<void> {
  // TODO(2D): an InstallSnapshot, sent and answered as an AppendEntries is;
  // on success the peer holds everything through the snapshot.
}

/** A follower receives its leader's snapshot (raft.ts's installSnapshot() hands the args here). */
export function handleInstallSnapshot(rf: RaftState, args: InstallSnapshotArgs): InstallSnapshotReply {
  // TODO(2D): Figure 13's rules, with the whole snapshot in one RPC: unless
  // it is stale, keep the entries after it if the log agrees at its last
  // index (else drop them all), persist, and apply it (applySnapshot).
  return { term: rf.currentTerm };
}
