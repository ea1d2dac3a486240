// Each peer's state as its messages show it, for the failure aids: its term,
// its role, whom it voted for, how far its log and its applies go, what it
// sent, got and lost. A peer's memory is its own: this is what can be told
// from outside (its RPCs read by Figure 2's names, what it applied, what it
// told the tester), updated at every event.

import type { RaftEvent } from '../harness/watch';

export type Role = 'follower' | 'candidate' | 'leader' | 'down';

export interface PeerState {
  term?: number;
  role: Role;
  votedFor?: number;
  /** The last log index its messages show. */
  log?: number;
  /** The last index it applied (a command's, or a snapshot's). */
  applied: number;
  sent: number;
  received: number;
  lost: number;
  incarnation: number;
}

export class PeerViews {
  readonly peers: PeerState[];

  constructor(n: number) {
    this.peers = Array.from({ length: n }, () => ({
      role: 'down',
      applied: 0,
      sent: 0,
      received: 0,
      lost: 0,
      incarnation: 0,
    }));
  }

  /** Updates the peers the event tells of; returns them. */
  on(e: RaftEvent): number[] {
    switch (e.type) {
      case 'boot': {
        const p = this.peers[e.peer];
        // What it read from its persister is unknown until its messages show it: no term or vote carried over.
        Object.assign(p, {
          role: 'follower',
          incarnation: e.incarnation,
          applied: 0,
          log: undefined,
          term: undefined,
          votedFor: undefined,
        });
        return [e.peer];
      }
      case 'crash':
        this.peers[e.peer].role = 'down';
        return [e.peer];
      case 'send': {
        const p = this.peers[e.peer];
        p.sent++;
        const { kind, args } = e.info;
        if (kind === 'appendEntries' || kind === 'installSnapshot') {
          this.termOf(p, args.term, 'leader');
          if (args.prevLogIndex !== undefined) p.log = Math.max(p.log ?? 0, args.prevLogIndex + (args.entries ?? 0));
        } else if (kind === 'requestVote' && args.term !== undefined && args.term > (p.term ?? -1)) {
          this.termOf(p, args.term, 'candidate');
          p.votedFor = e.peer;
        }
        return [e.peer];
      }
      case 'receive':
        this.peers[e.peer].received++;
        this.adopt(this.peers[e.peer], e.info.args.term);
        return [e.peer];
      case 'reply': {
        const p = this.peers[e.peer];
        const { kind, args, from } = e.info;
        this.adopt(p, e.reply.term);
        if (kind === 'requestVote' && e.reply.voteGranted) p.votedFor = from;
        if (kind !== 'requestVote' && e.reply.term !== undefined && e.reply.term === args.term && p.role !== 'down')
          p.role = 'follower'; // it heard the leader of its term
        if (kind === 'appendEntries' && e.reply.success && args.prevLogIndex !== undefined)
          p.log = args.prevLogIndex + (args.entries ?? 0);
        return [e.peer];
      }
      case 'returned': {
        const p = this.peers[e.peer];
        if (e.reply) this.adopt(p, e.reply.term);
        else p.lost++;
        return [e.peer];
      }
      case 'apply': {
        const p = this.peers[e.peer];
        const index = e.msg.commandValid === true ? e.msg.commandIndex : e.msg.snapshotIndex;
        if (typeof index === 'number') {
          p.applied = index;
          p.log = Math.max(p.log ?? 0, index);
        }
        return [e.peer];
      }
      case 'call': {
        const p = this.peers[e.peer];
        const v = e.value;
        if (e.method === 'getState' && Array.isArray(v) && typeof v[0] === 'number') {
          this.termOf(p, v[0], v[1] === true ? 'leader' : p.role === 'leader' ? 'follower' : p.role);
        } else if (e.method === 'start' && Array.isArray(v) && v[2] === true && typeof v[0] === 'number') {
          this.termOf(p, v[1] as number, 'leader');
          p.log = v[0];
        }
        return [e.peer];
      }
      default:
        return [];
    }
  }

  /** "t3 leader vote 0 log 12 applied 10" */
  describe(i: number): string {
    const p = this.peers[i];
    if (p.role === 'down') return 'down';
    const parts = [
      p.term !== undefined ? `t${p.term}` : 't?',
      p.role,
      ...(p.votedFor !== undefined ? [`vote ${p.votedFor}`] : []),
      ...(p.log !== undefined ? [`log ${p.log}`] : []),
      `applied ${p.applied}`,
    ];
    return parts.join(' ');
  }

  private termOf(p: PeerState, term: number | undefined, role: Role): void {
    if (term !== undefined && term !== p.term) {
      if (term > (p.term ?? -1)) p.votedFor = undefined;
      p.term = term;
    }
    if (p.role !== 'down') p.role = role;
  }

  /** A higher term seen: the peer adopts it, and follows. */
  private adopt(p: PeerState, term: number | undefined): void {
    if (term !== undefined && term > (p.term ?? -1)) this.termOf(p, term, 'follower');
  }
}
