// Raft (Lab 2): one peer of a replicated log, which you write in the files
// of this folder. The tester (and, in Lab 3, a key/value service) makes
// each peer with make(peers, me, persister, applyCh), asks each one
// getState(), and calls start(command) on the one it believes leads. Once
// a majority holds a command, it is committed, and every peer sends it on
// applyCh, in log order. Peers talk only through their ClientEnds, and a
// crashed peer keeps only what it saved in its Persister.
//
// The files, one concern each, in the order you will need them:
//   state.ts        what a peer knows, and what of it survives a crash
//   rpc.ts          the messages peers send each other
//   election.ts     timeouts, votes, becoming leader (2A); the worked example
//   replication.ts  heartbeats (2A); AppendEntries and committing (2B)
//   log.ts          the log and its indices (2B); where it starts after a snapshot (2D)
//   applier.ts      sending committed commands on applyCh (2B), and snapshots (2D)
//   snapshots.ts    compaction and InstallSnapshot (2D)
//
// Keep the names and signatures this file exports: the tester calls them.
// Every place to write says TODO(2A), TODO(2B), TODO(2C) or TODO(2D).

import type { ApplyChannel, ClientEnd, Persister } from '../labrpc';
import { handleRequestVote, ticker } from './election';
import { handleAppendEntries } from './replication';
import type {
  AppendEntriesArgs,
  AppendEntriesReply,
  InstallSnapshotArgs,
  InstallSnapshotReply,
  RequestVoteArgs,
  RequestVoteReply,
} from './rpc';
import { handleInstallSnapshot, takeSnapshot } from './snapshots';
import { RaftState } from './state';

export class Raft {
  private readonly rf: RaftState;

  constructor(peers: ClientEnd[], me: number, persister: Persister, applyCh: ApplyChannel) {
    this.rf = new RaftState(peers, me, persister, applyCh);
    void ticker(this.rf); // runs until kill(), without being awaited: make() must return at once
  }

  /** [currentTerm, whether this peer believes it is the leader]. */
  getState(): [number, boolean] {
    return [this.rf.currentTerm, this.rf.role === 'leader'];
  }

  /**
   * Starts agreement on a command: [index, term, isLeader]. Returns at once,
   * without waiting for the command to commit (it may never: the leader may
   * fail or lose an election). A peer that is not the leader says so.
   */
  start(command: unknown): [number, number, boolean] {
    const rf = this.rf;
    // TODO(2B): a leader appends { term, command } to its log, gets it moving
    // to the followers soon (replicateSoon in replication.ts: the next
    // heartbeat may be 100 ms away), and answers with the entry's index.
    // TODO(2C): persist the log before it goes out.
    return [-1, rf.currentTerm, false];
  }

  /** The service has snapshotted everything through index (2D). */
  snapshot(index: number, snapshot: Uint8Array): void {
    takeSnapshot(this.rf, index, snapshot);
  }

  /** The size of the persisted Raft state, in bytes (a service snapshots when it grows). */
  persistBytes(): number {
    return this.rf.persister.raftStateSize();
  }

  /** The tester is done with this peer: its loops should stop. */
  kill(): void {
    this.rf.kill();
  }

  // The RPC handlers. peers[i].call('Raft.requestVote', args) on one peer
  // arrives on peer i as requestVote(args), and what it returns is the
  // reply: the network finds a handler by its name, "Raft." + the method's.

  requestVote(args: RequestVoteArgs): RequestVoteReply {
    return handleRequestVote(this.rf, args);
  }

  appendEntries(args: AppendEntriesArgs): AppendEntriesReply {
    return handleAppendEntries(this.rf, args);
  }

  installSnapshot(args: InstallSnapshotArgs): InstallSnapshotReply {
    return handleInstallSnapshot(this.rf, args);
  }
}

/** Makes a peer. It must return at once: start long-running work (the ticker) without awaiting it. */
export function make(peers: ClientEnd[], me: number, persister: Persister, applyCh: ApplyChannel): Raft {
  return new Raft(peers, me, persister, applyCh);
}
