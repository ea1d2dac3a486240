// Leader election (2A). A follower that hears nothing from a leader for
// its election timeout becomes a candidate: it moves to the next term,
// votes for itself and asks every peer for its vote. A peer grants one vote
// per term, and only to a candidate whose log is at least as up to date as
// its own (section 5.4.1), so a new leader holds every committed entry. The
// candidate that gathers a majority leads; a split vote ends in another
// timeout, with another random length.

import { sleep } from '../labrpc';
import { lead } from './replication';
import type { RequestVoteArgs, RequestVoteReply } from './rpc';
import { NOBODY, type RaftState } from './state';

/** Runs for the peer's whole life: starts an election whenever the deadline passes without a leader. */
export async function ticker(rf: RaftState): Promise<void> {
  while (!rf.killed()) {
    const wait = rf.electionDeadline - Date.now();
    if (wait > 0) {
      await sleep(wait); // the deadline may have moved meanwhile: look again
      continue;
    }
    if (rf.role !== 'leader') startElection(rf);
    else rf.resetElectionTimer(); // a leader has no deadline; look again a timeout later
  }
}

/** Stands for election in the next term, asking every peer at once. */
function startElection(rf: RaftState): void {
  rf.role = 'candidate';
  rf.currentTerm++;
  rf.votedFor = rf.me;
  rf.persist();
  rf.resetElectionTimer(); // a split vote ends when this runs out
  const args: RequestVoteArgs = {
    term: rf.currentTerm,
    candidateId: rf.me,
    lastLogIndex: rf.log.lastIndex,
    lastLogTerm: rf.log.lastTerm,
  };
  let votes = 1;
  for (let peer = 0; peer < rf.peers.length; peer++) {
    if (peer === rf.me) continue;
    void rf.peers[peer].call<RequestVoteReply>('Raft.requestVote', args).then((reply) => {
      if (!reply || rf.killed()) return;
      if (reply.term > rf.currentTerm) return rf.becomeFollower(reply.term);
      // Count only votes of this election, while it is still undecided.
      if (!reply.voteGranted || rf.role !== 'candidate' || rf.currentTerm !== args.term) return;
      if (++votes >= rf.majority) becomeLeader(rf);
    });
  }
}

/** Won: it assumes nothing about the followers' logs, and asserts itself at once with a heartbeat. */
function becomeLeader(rf: RaftState): void {
  rf.role = 'leader';
  rf.nextIndex = rf.peers.map(() => rf.log.lastIndex + 1);
  rf.matchIndex = rf.peers.map(() => 0);
  void lead(rf, rf.currentTerm);
}

/** A peer is asked for its vote. */
export function handleRequestVote(rf: RaftState, args: RequestVoteArgs): RequestVoteReply {
  if (args.term > rf.currentTerm) rf.becomeFollower(args.term);
  if (args.term < rf.currentTerm) return { term: rf.currentTerm, voteGranted: false };

  const free = rf.votedFor === NOBODY || rf.votedFor === args.candidateId;
  const upToDate =
    args.lastLogTerm > rf.log.lastTerm ||
    (args.lastLogTerm === rf.log.lastTerm && args.lastLogIndex >= rf.log.lastIndex);
  if (!free || !upToDate) return { term: rf.currentTerm, voteGranted: false };

  rf.votedFor = args.candidateId;
  rf.persist(); // before the reply: a peer that forgot its vote after a crash could vote twice
  rf.resetElectionTimer(); // a peer that just voted gives the candidate time to win
  return { term: rf.currentTerm, voteGranted: true };
}
