// Raft: the reference solution of Lab 2 (2A-2D), read as a lesson.
//
// The tester (or, in Lab 3, the key/value service) makes each peer with
// make(peers, me, persister, applyCh), then calls start(command) on the
// leader; once a majority holds the command it is committed, and every
// peer sends it on applyCh, in log order. The peers talk only through
// their ClientEnds, and a crashed peer keeps only what it saved in its
// Persister.
//
// The files, one concern each:
//   state.ts        what a peer knows, and what of it survives a crash
//   log.ts          the log's indices, before and after a snapshot
//   election.ts     timeouts, votes, becoming leader (2A)
//   replication.ts  AppendEntries, fast log backup, committing (2B, 2C)
//   snapshots.ts    compaction and InstallSnapshot (2D)
//   applier.ts      sending committed commands and snapshots on applyCh
//
// Persistence (2C) is no module of its own: each change to the persistent
// state is saved by persist() where it happens, before the peer answers.

import type { ApplyChannel, ClientEnd, Persister } from '../labrpc';
import { handleRequestVote, ticker } from './election';
import { handleAppendEntries, replicateSoon } from './replication';
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
    void ticker(this.rf); // runs until kill(); make() must return at once
  }

  /** [currentTerm, whether this peer believes it is the leader]. */
  getState(): [number, boolean] {
    return [this.rf.currentTerm, this.rf.role === 'leader'];
  }

  /**
   * Starts agreement on a command: [index, term, isLeader]. Returns at once;
   * there is no promise that the command will ever be committed (the leader
   * may fail or lose an election). A peer that is not the leader says so.
   */
  start(command: unknown): [number, number, boolean] {
    const rf = this.rf;
    if (rf.role !== 'leader' || rf.killed()) return [-1, rf.currentTerm, false];
    rf.log.append({ term: rf.currentTerm, command });
    rf.persist();
    replicateSoon(rf); // within BATCH_MS, not at the next heartbeat: a service waits for each command
    return [rf.log.lastIndex, rf.currentTerm, true];
  }

  /** The service has snapshotted everything through index (2D). */
  snapshot(index: number, snapshot: Uint8Array): void {
    takeSnapshot(this.rf, index, snapshot);
  }

  /** The size of the persisted Raft state, in bytes (the service snapshots when it grows). */
  persistBytes(): number {
    return this.rf.persister.raftStateSize();
  }

  /** The tester is done with this peer: its loops stop. */
  kill(): void {
    this.rf.kill();
  }

  // The RPC handlers: peers call them as "Raft.requestVote" and so on.

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

/** Makes a peer; must return at once (long-running work goes on without being awaited). */
export function make(peers: ClientEnd[], me: number, persister: Persister, applyCh: ApplyChannel): Raft {
  return new Raft(peers, me, persister, applyCh);
}
