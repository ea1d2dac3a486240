// The messages Raft peers send each other (Figure 2 of the extended paper,
// plus the fast log backup of section 5.3 and InstallSnapshot of section 7).
// They travel through the codec, so they hold only plain data: numbers,
// strings, arrays, plain objects and bytes.

/** One log entry: the command a client started, and the term its leader had then. */
export interface Entry {
  term: number;
  command: unknown;
}

export interface RequestVoteArgs {
  term: number;
  candidateId: number;
  lastLogIndex: number;
  lastLogTerm: number;
}

export interface RequestVoteReply {
  term: number;
  voteGranted: boolean;
}

export interface AppendEntriesArgs {
  term: number;
  leaderId: number;
  /** The entry just before `entries`: the follower must hold it, with this term. */
  prevLogIndex: number;
  prevLogTerm: number;
  entries: Entry[];
  leaderCommit: number;
}

/**
 * On a mismatch the follower says where its log stops agreeing, so that
 * the leader can skip a whole term of entries per round trip instead of
 * one entry (the fast backup the Backup test needs):
 * - xTerm: the term of the follower's conflicting entry at prevLogIndex
 *   (-1 if its log is too short to have one);
 * - xIndex: the first index the follower holds with that term;
 * - xLen: the index just past the follower's last entry.
 */
export interface AppendEntriesReply {
  term: number;
  success: boolean;
  xTerm: number;
  xIndex: number;
  xLen: number;
}

export interface InstallSnapshotArgs {
  term: number;
  leaderId: number;
  /** The snapshot replaces every entry up to and including this one. */
  lastIncludedIndex: number;
  lastIncludedTerm: number;
  data: Uint8Array;
}

export interface InstallSnapshotReply {
  term: number;
}
