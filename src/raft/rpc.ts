// The messages Raft peers send each other: Figure 2 of the paper, and in
// 2D Figure 13's InstallSnapshot. Each travels through encode(), so it
// holds only plain data (numbers, strings, booleans, null, arrays, plain
// objects, Uint8Array): a field that would not arrive intact (undefined, a
// Map, a class instance) is refused where the call is made, by its name.

/** One log entry: a command, and the term of the leader that received it. */
export interface Entry {
  term: number;
  command: unknown;
}

// RequestVote: the worked example (election.ts sends it and answers it).

export interface RequestVoteArgs {
  /** The candidate's term. */
  term: number;
  /** Who asks: the candidate's `me`, its index in everyone's peers[]. */
  candidateId: number;
  // TODO(2B): the index and term of the candidate's last log entry (section
  // 5.4.1: a peer votes only for a log at least as up to date as its own).
}

export interface RequestVoteReply {
  /** The voter's current term, for the candidate to learn from. */
  term: number;
  voteGranted: boolean;
}

export interface AppendEntriesArgs {
  term: number;
  leaderId: number;
  // TODO(2B): prevLogIndex, prevLogTerm, entries and leaderCommit (Figure 2).
}

export interface AppendEntriesReply {
  term: number;
  success: boolean;
  // TODO(2B): what a follower tells the leader on a mismatch, so that it
  // backs up a term at a time rather than an entry at a time (the handout's
  // hints for 2B).
}

export interface InstallSnapshotArgs {
  term: number;
  leaderId: number;
  // TODO(2D): the index and term of the last entry the snapshot covers, and
  // its bytes (Figure 13; send the snapshot whole, in one RPC).
}

export interface InstallSnapshotReply {
  term: number;
}
