// A peer's state, and what of it survives a crash. Figure 2 of the paper
// splits the state in two: what must be on disk before the peer answers
// anyone (the current term, its vote, the log; here also the snapshot and
// where the log starts after it), and what a restarted peer rebuilds
// (its role, the commit index, the leader's bookkeeping).
//
// JavaScript runs one callback at a time, so there are no locks: a handler
// or a timer callback sees and changes the state without interference. But
// every `await` is a point where anything may have happened meanwhile (a
// new term, a crash): code after an await re-checks what it relies on.

import { decode, encode, type ApplyChannel, type ClientEnd, type Persister } from '../labrpc';
import { Log } from './log';

export type Role = 'follower' | 'candidate' | 'leader';

/** Nobody: votedFor before the peer votes in its current term. */
export const NOBODY = -1;

/**
 * How long a follower waits without hearing from a leader before it stands
 * for election: well above the paper's 150-300 ms, because the tester allows
 * a leader only 10 heartbeats a second; randomised so that peers rarely
 * time out together and split the vote.
 */
const ELECTION_TIMEOUT_MIN_MS = 400;
const ELECTION_TIMEOUT_SPREAD_MS = 400;

/** What persist() saves: the paper's persistent state, and where the log starts after the snapshot. */
interface Persistent {
  currentTerm: number;
  votedFor: number;
  base: number;
  baseTerm: number;
  entries: Log['entries'];
}

export class RaftState {
  // Persistent (saved by persist() before the peer answers an RPC that changed it).
  currentTerm = 0;
  votedFor = NOBODY;
  log = new Log();
  /** The service's latest snapshot: saved with the state every time, since a save replaces both. */
  snapshot: Uint8Array;

  // Volatile.
  role: Role = 'follower';
  /** The highest index known to be committed, and the highest applied (sent on applyCh). */
  commitIndex = 0;
  lastApplied = 0;
  /** When this peer stands for election unless it hears from a leader first (Date.now() ms). */
  electionDeadline = 0;

  // The leader's, reset when it wins an election.
  /** For each peer: the next index to send it. */
  nextIndex: number[] = [];
  /** For each peer: the highest index known to be replicated on it. */
  matchIndex: number[] = [];
  /** A round of AppendEntries is due soon for commands just started. */
  sendPending = false;

  private dead = false;

  constructor(
    readonly peers: ClientEnd[],
    readonly me: number,
    readonly persister: Persister,
    readonly applyCh: ApplyChannel,
  ) {
    this.snapshot = persister.readSnapshot();
    this.readPersist(persister.readRaftState());
    // The snapshot's commands were applied before the crash, and the tester
    // reloads the snapshot itself: apply from just after it.
    this.commitIndex = this.log.base;
    this.lastApplied = this.log.base;
    this.resetElectionTimer();
  }

  /** A majority of the peers, this one included. */
  get majority(): number {
    return Math.floor(this.peers.length / 2) + 1;
  }

  killed(): boolean {
    return this.dead;
  }

  kill(): void {
    this.dead = true;
  }

  /** Saves the persistent state and the snapshot, both at once. */
  persist(): void {
    const state: Persistent = {
      currentTerm: this.currentTerm,
      votedFor: this.votedFor,
      base: this.log.base,
      baseTerm: this.log.baseTerm,
      entries: this.log.entries,
    };
    this.persister.save(encode(state), this.snapshot);
  }

  /** Restores what persist() saved (nothing, on a first start). */
  private readPersist(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    const state = decode<Persistent>(bytes);
    this.currentTerm = state.currentTerm;
    this.votedFor = state.votedFor;
    this.log = new Log(state.base, state.baseTerm, state.entries);
  }

  /**
   * Someone has a later term (or, as a candidate, this peer heard from the
   * leader of its own term): it becomes a follower, and its vote is free
   * again in a new term.
   */
  becomeFollower(term: number): void {
    this.role = 'follower';
    if (term > this.currentTerm) {
      this.currentTerm = term;
      this.votedFor = NOBODY;
      this.persist();
    }
  }

  /** The leader of `term` (at least ours) spoke: follow it, and put the next election off. */
  followLeader(term: number): void {
    this.becomeFollower(term);
    this.resetElectionTimer();
  }

  /** Puts the next election off by a fresh random timeout. */
  resetElectionTimer(): void {
    const timeout = ELECTION_TIMEOUT_MIN_MS + Math.floor(Math.random() * ELECTION_TIMEOUT_SPREAD_MS);
    this.electionDeadline = Date.now() + timeout;
  }
}
