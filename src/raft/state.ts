// A peer's state, and what of it survives a crash. Figure 2 of the paper
// splits it in two: the persistent state (the current term, the vote, the
// log), which must be saved before the peer answers anyone, and the
// volatile state, which a restarted peer rebuilds.
//
// JavaScript runs one callback at a time, so there are no locks: a handler
// or a timer's callback reads and changes this state undisturbed. But every
// `await` is a pause in which anything may happen (a new term, another
// election, a crash): after an await, check again what you rely on.

import { decode, encode, type ApplyChannel, type ClientEnd, type Persister } from '../labrpc';
import { Log } from './log';

export type Role = 'follower' | 'candidate' | 'leader';

/** votedFor before the peer has voted in its current term. */
export const NOBODY = -1;

/** What persist() saves, as plain data: encode() takes nothing else. */
interface Persistent {
  currentTerm: number;
  votedFor: number;
  // TODO(2C): the log.
}

export class RaftState {
  // Persistent: save with persist() before answering an RPC that changed it (2C).
  currentTerm = 0;
  votedFor = NOBODY;
  log = new Log();

  // Volatile.
  role: Role = 'follower';
  // TODO(2A): when this peer stands for election unless a leader speaks first
  // (Date.now() is the tester's clock, like setTimeout and sleep).
  // TODO(2B): commitIndex and lastApplied; the leader's nextIndex[] and matchIndex[].
  // TODO(2D): the latest snapshot, which every save must carry along.

  private dead = false;

  constructor(
    readonly peers: ClientEnd[],
    readonly me: number,
    readonly persister: Persister,
    readonly applyCh: ApplyChannel,
  ) {
    this.readPersist(persister.readRaftState()); // what a crashed peer saved (nothing, on a first start)
    // TODO(2A): set the first election timeout.
    // TODO(2D): load the snapshot, and start applying after it.
  }

  killed(): boolean {
    return this.dead;
  }

  kill(): void {
    this.dead = true;
  }

  /**
   * Saves the persistent state. encode() turns plain data into bytes, and
   * names any field that would not survive the trip (as the course's
   * labgob warns): encode({ log: this.log }) throws "the field value.log is
   * an instance of class Log, which does not survive encode(): use a plain
   * object...". Save the Log's fields instead.
   */
  persist(): void {
    const state: Persistent = { currentTerm: this.currentTerm, votedFor: this.votedFor };
    // TODO(2C): the log too; call persist() wherever the persistent state changes.
    // TODO(2D): save the snapshot in the same call: save() replaces both parts, and null empties one.
    this.persister.save(encode(state), null);
  }

  /** Restores what persist() saved. */
  private readPersist(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    const state = decode<Persistent>(bytes);
    this.currentTerm = state.currentTerm;
    this.votedFor = state.votedFor;
    // TODO(2C): the log.
  }
}
