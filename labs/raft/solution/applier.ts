// Applying: every committed command goes to the service on applyCh, once,
// in index order. A send is immediate (the channel never blocks here), so
// the peer applies as soon as it learns that entries are committed, and
// lastApplied never lags commitIndex between two events.

import type { RaftState } from './state';

/** Sends every command committed but not yet applied, in order. */
export function applyCommitted(rf: RaftState): void {
  while (rf.lastApplied < rf.commitIndex) {
    rf.lastApplied++;
    const { command } = rf.log.at(rf.lastApplied);
    rf.applyCh.send({ commandValid: true, command, commandIndex: rf.lastApplied });
  }
}

/**
 * Hands the service a snapshot from the leader (2D): it replaces everything
 * applied so far, and the commands after it follow in order.
 */
export function applySnapshot(rf: RaftState): void {
  rf.applyCh.send({
    snapshotValid: true,
    snapshot: rf.snapshot,
    snapshotTerm: rf.log.baseTerm,
    snapshotIndex: rf.log.base,
  });
}
