// Leader election (2A). A follower that hears from no leader for a whole
// election timeout becomes a candidate: it moves to the next term, votes
// for itself and asks every other peer for its vote. A peer grants one vote
// per term. The candidate that gathers a majority leads; a split vote ends
// with another timeout, of another random length.
//
// RequestVote is the worked example, running from end to end before you
// write a line: a short while after it starts, each peer asks the others
// for their votes, once, and logs their answers. Run
// `npm run test-raft -- --only initial-election` to see them.

import { sleep } from '../labrpc';
import type { RequestVoteArgs, RequestVoteReply } from './rpc';
import type { RaftState } from './state';

/** Runs for the peer's whole life (raft.ts starts it): starts an election when one is due. */
export async function ticker(rf: RaftState): Promise<void> {
  // The worked example: once, soon after it starts, the peer asks for votes.
  // Delete these two lines when your loop below calls startElection().
  await sleep(Math.random() * 300);
  startElection(rf);

  while (!rf.killed()) {
    // TODO(2A): stand for election when this peer has heard from no leader
    // (and granted no vote) for a whole election timeout. A leader may send
    // only 10 heartbeats a second, so the timeout must be several heartbeats
    // long; and random, so that peers rarely time out together.
    await sleep(50 + Math.random() * 300); // look again in a while
  }
}

/** Stands for election: asks every other peer for its vote, all at once. */
function startElection(rf: RaftState): void {
  // TODO(2A): become a candidate in the next term, vote for yourself, and
  // put the next election off by a fresh random timeout (a split vote ends then).
  // TODO(2C): persist the new term and the vote before asking anyone.
  const args: RequestVoteArgs = { term: rf.currentTerm, candidateId: rf.me };
  for (let peer = 0; peer < rf.peers.length; peer++) {
    if (peer !== rf.me) void sendRequestVote(rf, peer, args); // not awaited: ask the next at once
  }
}

/** Asks one peer for its vote, and learns from its answer. */
async function sendRequestVote(rf: RaftState, peer: number, args: RequestVoteArgs): Promise<void> {
  const reply = await rf.peers[peer].call<RequestVoteReply>('Raft.requestVote', args);
  if (reply === null) {
    // Lost: the request, the reply or the peer. The network always answers,
    // soon for a lost message, after up to 7 s for a peer cut off; so no
    // timeout is needed, and no one peer is waited for before the others.
    console.log(`peer ${peer} did not answer my RequestVote`);
    return;
  }
  console.log(`peer ${peer} answered my RequestVote: term ${reply.term}, voteGranted ${reply.voteGranted}`);
  // TODO(2A): learn from the reply. A later term means this peer is out of
  // date: it becomes a follower. Count a vote only while this peer is still
  // a candidate in args.term (anything may have changed during the await),
  // and on a majority, become leader: start lead() of replication.ts (import it
  // from './replication').
}

/** A candidate asks this peer for its vote (raft.ts's requestVote() hands the args here). */
export function handleRequestVote(rf: RaftState, args: RequestVoteArgs): RequestVoteReply {
  console.log(`peer ${args.candidateId} asks for my vote in term ${args.term}`);
  // TODO(2A): Figure 2's rules for RequestVote's receiver: a later term is
  // adopted first (and the vote is free again in it); then grant the vote if
  // the candidate's term is current and this peer has voted for nobody else
  // in it. A peer that grants its vote puts off its own election.
  // TODO(2B): grant it only if the candidate's log is at least as up to date.
  // TODO(2C): persist the vote (and a new term) before replying.
  return { term: rf.currentTerm, voteGranted: false };
}
