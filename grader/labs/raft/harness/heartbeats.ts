// The lab's limit of ten heartbeats a second, measured: while a test holds
// the cluster quiet (no commands, no faults), every RPC one peer sends
// another is counted, and the busiest pair in any one second of the quiet
// must stay within the limit. (The course's Count test allows 60 RPCs a
// second for three peers: thirty a second to each follower.) The quiet also
// keeps its term: a peer standing for election there broke nothing but its
// own timer, yet the course only prints a warning.

import type { RaftEvent } from './watch';

/** The lab's limit: heartbeats a second from the leader to one follower. */
export const HEARTBEATS_PER_SECOND = 10;

const SECOND_US = 1_000_000;

export interface Busiest {
  from: number;
  to: number;
  count: number;
  /** When that second began (virtual microseconds). */
  startUs: number;
}

export class HeartbeatMeter {
  private quiet?: { from: number; to?: number; among?: number[] };
  /** "from>to" → when each RPC was sent, in the quiet. */
  private readonly sends = new Map<string, number[]>();
  /** Elections stood in the quiet: peer, term, when. */
  readonly elections: { peer: number; term?: number; at: number }[] = [];

  on(e: RaftEvent): void {
    if (!this.quiet || this.quiet.to !== undefined || e.type !== 'send') return;
    if (this.quiet.among && !(this.quiet.among.includes(e.peer) && this.quiet.among.includes(e.info.to))) return;
    const key = `${e.peer}>${e.info.to}`;
    const times = this.sends.get(key) ?? [];
    times.push(e.at);
    this.sends.set(key, times);
    if (e.info.kind === 'requestVote') this.elections.push({ peer: e.peer, term: e.info.args.term, at: e.at });
  }

  /** The quiet begins (virtual microseconds), among these peers (all if none are named). */
  begin(atUs: number, among?: number[]): void {
    this.quiet = { from: atUs, among };
    this.sends.clear();
    this.elections.length = 0;
  }

  /** The quiet ends. */
  end(atUs: number): void {
    if (this.quiet) this.quiet.to = atUs;
  }

  /** The pair that sent the most RPCs within any one second of the quiet. */
  busiest(): Busiest | undefined {
    let best: Busiest | undefined;
    for (const [key, times] of this.sends) {
      const [from, to] = key.split('>').map(Number);
      let first = 0;
      for (let last = 0; last < times.length; last++) {
        while (times[last] - times[first] >= SECOND_US) first++;
        const count = last - first + 1;
        if (!best || count > best.count) best = { from, to, count, startUs: times[first] };
      }
    }
    return best;
  }
}
