// Which of a run's lost messages are lost. The fault model draws every loss
// as it always does; a plan may spare some of them, by their order in the
// run (the first loss drawn is 0), and the message goes on as a delivered
// one would (from there the run differs from the seed's, the same way
// each time the same plan is replayed). Sparing losses is how
// a failing run is shrunk to the few losses it needs (the Raft lab's
// --shrink), and how a shrunk run is replayed (--losses). With no plan,
// every loss drawn is a loss: the run is the seed's.

export interface Loss {
  /** Its order among the run's losses drawn (spared ones count too). */
  ordinal: number;
  /** Virtual microseconds. */
  atUs: number;
  /** "peer4#1 -> peer 2: Raft.appendEntries, its request lost (rpc 23)" (the caller as the trace names it) */
  what: string;
}

export class LossPlan {
  /** Losses drawn so far, spared or not. */
  drawn = 0;
  /** The losses that were lost, in order. */
  readonly lost: Loss[] = [];

  /** `keep`: the ordinals to lose (the others are spared); undefined: all. */
  constructor(private readonly keep?: ReadonlySet<number>) {}

  /** A plan that loses only `ordinals` of a run's losses. */
  static only(ordinals: Iterable<number>): LossPlan {
    return new LossPlan(new Set(ordinals));
  }

  /** The fault model drew a loss: whether it is lost (else the message is delivered). */
  decide(atUs: number, what: () => string): boolean {
    const ordinal = this.drawn++;
    if (this.keep && !this.keep.has(ordinal)) return false;
    this.lost.push({ ordinal, atUs, what: what() });
    return true;
  }
}
