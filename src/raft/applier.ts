// Applying: every committed command goes to the service on applyCh, once,
// and in index order (2B); the tester checks both, on every peer, at every
// message. A snapshot the leader sent goes there too (2D).

import type { RaftState } from './state';

/** Sends every command committed but not yet applied, in order: call it whenever commitIndex moves (2B). */
export function applyCommitted(rf: RaftState): void {
  // TODO(2B): for each index after lastApplied, up to commitIndex:
  //   rf.applyCh.send({ commandValid: true, command, commandIndex: index });
}

/**
 * Hands the service a snapshot received from the leader (2D): it replaces
 * everything applied so far, and the commands after it follow in order.
 */
export function applySnapshot(rf: RaftState): void {
  // TODO(2D): rf.applyCh.send({ snapshotValid: true, snapshot, snapshotTerm, snapshotIndex });
}
