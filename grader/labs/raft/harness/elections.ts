// The strict checks of elections and terms, at every event (not sampled
// every half second among connected peers, as the course's checkOneLeader):
//
// - election safety: at most one peer ever acts as the leader of a term, and
//   only with the votes of a majority in that term. A peer acts as leader when
//   it sends AppendEntries or InstallSnapshot in a term, or when start() or
//   getState() says it leads; its votes are the grants peers answered it;
// - one vote per term: a peer grants one vote per term, across crashes (a
//   RequestVote it sends is its vote for itself; a reply granting a vote,
//   its vote for the caller);
// - terms: a leader or candidate that hears a higher term in a reply steps
//   down (it never acts as leader of the old term again); an AppendEntries of
//   an older term is refused; a peer that sees a higher term answers in it;
// - the election timer: a peer never stands for election within one
//   heartbeat interval (100 ms, at the lab's 10 a second) of granting a vote
//   or of hearing from the leader of its term: both restart the timer.

import type { StrictChecks } from './checks';
import { secondsUs } from './checks';
import type { RaftEvent, RpcInfo } from './watch';

/** One heartbeat interval at the lab's limit of ten a second: no correct timeout is shorter. */
const TIMER_FLOOR_US = 100_000;

const NAMES = { appendEntries: 'AppendEntries', installSnapshot: 'InstallSnapshot', requestVote: 'RequestVote' };

interface Claim {
  peer: number;
  at: number;
  how: string;
}

interface Learnt {
  term: number;
  higher: number;
  from: number;
  at: number;
  kind: string;
}

export class ElectionChecks {
  /** Term → its leader's first act as leader. */
  readonly leaders = new Map<number, Claim>();
  /** "peer/term" → whom it voted for, when, in which incarnation. */
  private readonly votes = new Map<string, { candidate: number; at: number; incarnation: number }>();
  /** Per incarnation ("peer/incarnation"): terms a reply showed were over. */
  private readonly over = new Map<string, Learnt[]>();
  /** Per incarnation: the last event that restarts the election timer. */
  private readonly lastReset = new Map<string, { at: number; why: string }>();
  /** Per incarnation: the last term it stood for election in. */
  private readonly stood = new Map<string, number>();
  /** The peers' votes can be read (their RequestVote replies say voteGranted, their args the term). */
  private votesReadable = false;

  constructor(
    private readonly checks: StrictChecks,
    /** How many peers the cluster has. */
    private readonly n: number,
  ) {}

  on(e: RaftEvent): void {
    switch (e.type) {
      case 'send':
        return this.sent(e.peer, e.incarnation, e.info, e.at);
      case 'reply':
        return this.answered(e.peer, e.incarnation, e.info, e.reply, e.at);
      case 'returned': {
        const term = e.info.args.term;
        const higher = e.reply?.term;
        if (e.info.kind === 'other' || term === undefined || higher === undefined || higher <= term) return;
        const key = `${e.peer}/${e.incarnation}`;
        const learnt = { term, higher, from: e.info.to, at: e.at, kind: NAMES[e.info.kind] };
        this.over.set(key, [...(this.over.get(key) ?? []), learnt]);
        return;
      }
      case 'call': {
        const v = e.value;
        if (e.method === 'getState' && Array.isArray(v) && v[1] === true && typeof v[0] === 'number')
          return this.claim(e.peer, e.incarnation, v[0], e.at, 'getState() said it leads');
        if (e.method === 'start' && Array.isArray(v) && v[2] === true && typeof v[1] === 'number')
          return this.claim(e.peer, e.incarnation, v[1], e.at, 'start() said it leads');
      }
    }
  }

  /** The leader of the latest term that had one. */
  latestLeader(): number | undefined {
    let latest: [number, Claim] | undefined;
    for (const entry of this.leaders) if (!latest || entry[0] > latest[0]) latest = entry;
    return latest?.[1].peer;
  }

  /** The leaders that acted since `atUs`, as "term 7: peer 2 at 31.200 s". */
  leadersSince(atUs: number): string[] {
    return [...this.leaders]
      .filter(([, c]) => c.at >= atUs)
      .map(([term, c]) => `term ${term}: peer ${c.peer} at ${secondsUs(c.at)}`);
  }

  private sent(peer: number, incarnation: number, info: RpcInfo, at: number): void {
    const term = info.args.term;
    if (term === undefined) return;
    if (info.kind === 'appendEntries' || info.kind === 'installSnapshot')
      return this.claim(peer, incarnation, term, at, `it sent ${NAMES[info.kind]} to peer ${info.to}`);
    if (info.kind !== 'requestVote') return;
    const key = `${peer}/${incarnation}`;
    if ((this.stood.get(key) ?? -1) >= term) return;
    this.stood.set(key, term); // a new candidacy: its vote for itself, and the timer
    const reset = this.lastReset.get(key);
    if (reset && at - reset.at < TIMER_FLOOR_US) {
      this.checks.break(
        'election timer',
        `peer ${peer} stood for election (term ${term}) ${Math.round((at - reset.at) / 1000)} ms after it ${reset.why} ` +
          `(at ${secondsUs(reset.at)}): that restarts its election timer, and no timeout is shorter than a heartbeat ` +
          `interval (100 ms) (Figure 2: a follower stands only when it has heard from no leader and granted no vote for a whole timeout)`,
      );
    }
    this.vote(peer, incarnation, term, info.args.candidateId ?? peer, at);
  }

  /** Peer `peer` answers an RPC. */
  private answered(peer: number, incarnation: number, info: RpcInfo, reply: RaftEventReply, at: number): void {
    const asked = info.args.term;
    const term = reply.term;
    if (info.kind === 'other' || asked === undefined) return;
    const name = NAMES[info.kind];
    const key = `${peer}/${incarnation}`;
    if (term !== undefined && term < asked) {
      this.checks.break(
        'terms',
        `peer ${peer} answered peer ${info.from}'s ${name} of term ${asked} in term ${term}: ` +
          `a peer that sees a higher term in a request adopts it before it answers (Figure 2)`,
      );
    }
    if (info.kind === 'appendEntries' && reply.success === true && term !== undefined && term > asked) {
      this.checks.break(
        'terms',
        `peer ${peer}, in term ${term}, accepted (success) an AppendEntries of term ${asked} from peer ${info.from}: ` +
          `a peer refuses AppendEntries from an older term's leader (Figure 2, AppendEntries rule 1)`,
      );
    }
    if (info.kind === 'requestVote' && reply.voteGranted !== undefined) this.votesReadable = true;
    if (info.kind === 'requestVote' && reply.voteGranted === true) {
      if (term !== undefined && term !== asked) {
        this.checks.break(
          'terms',
          `peer ${peer}, in term ${term}, granted its vote to peer ${info.from}'s candidacy of term ${asked}: ` +
            `a vote is for the voter's own term, and a candidate of an older term gets none`,
        );
      }
      this.lastReset.set(key, { at, why: `granted its vote to peer ${info.from}` });
      this.vote(peer, incarnation, asked, info.from, at);
    }
    if ((info.kind === 'appendEntries' || info.kind === 'installSnapshot') && term === asked)
      this.lastReset.set(key, { at, why: `heard from peer ${info.from}, the leader of its term` });
  }

  private vote(peer: number, incarnation: number, term: number, candidate: number, at: number): void {
    const key = `${peer}/${term}`;
    const earlier = this.votes.get(key);
    if (!earlier) return void this.votes.set(key, { candidate, at, incarnation });
    if (earlier.candidate === candidate) return;
    const whom = (c: number) => (c === peer ? 'itself' : `peer ${c}`);
    const restarted =
      earlier.incarnation !== incarnation
        ? ` (it crashed and restarted in between: a vote must be saved before it is answered or sent, and survive the crash)`
        : '';
    this.checks.break(
      'one vote per term',
      `peer ${peer} voted twice in term ${term}: for ${whom(earlier.candidate)} at ${secondsUs(earlier.at)} ` +
        `and for ${whom(candidate)} at ${secondsUs(at)}${restarted}`,
    );
  }

  /** A peer's first act as leader of a term: did a majority vote for it in that term? */
  private elected(peer: number, term: number, at: number, how: string): void {
    if (!this.votesReadable) return; // votes this Raft's messages do not show cannot be counted
    const voters = Array.from({ length: this.n }, (_, v) => v).filter(
      (v) => this.votes.get(`${v}/${term}`)?.candidate === peer,
    );
    const majority = Math.floor(this.n / 2) + 1;
    if (voters.length >= majority) return;
    const whose = voters.length ? `only peer${voters.length > 1 ? 's' : ''} ${voters.join(', ')}` : 'no peer';
    this.checks.break(
      'election safety',
      `peer ${peer} acted as leader of term ${term} (${how} at ${secondsUs(at)}), but ${whose} voted for it in ` +
        `term ${term}: a leader needs the votes of a majority (${majority} of ${this.n}) in its own term`,
    );
  }

  private claim(peer: number, incarnation: number, term: number, at: number, how: string): void {
    const learnt = this.over.get(`${peer}/${incarnation}`)?.find((l) => l.term === term);
    if (learnt) {
      this.checks.break(
        'terms',
        `peer ${peer} heard of term ${learnt.higher} from peer ${learnt.from} at ${secondsUs(learnt.at)} ` +
          `(the reply to its ${learnt.kind} of term ${term}), yet acted as leader of term ${term} at ${secondsUs(at)} ` +
          `(${how}): a peer that sees a higher term in a reply steps down (Figure 2)`,
      );
    }
    const leader = this.leaders.get(term);
    if (!leader) {
      this.leaders.set(term, { peer, at, how });
      return this.elected(peer, term, at, how);
    }
    if (leader.peer === peer) return;
    this.checks.break(
      'election safety',
      `term ${term} has two leaders: peer ${leader.peer} (${leader.how} at ${secondsUs(leader.at)}) ` +
        `and peer ${peer} (${how} at ${secondsUs(at)})`,
    );
  }
}

export type RaftEventReply = Extract<RaftEvent, { type: 'reply' }>['reply'];
