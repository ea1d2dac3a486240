// A failed run: what broke, when (virtual time) and with which seed, so
// that the same seed replays it exactly.

export class SimFailure extends Error {
  name = 'SimFailure';
  /** Virtual milliseconds since the start, when it failed. */
  atMs = 0;
  seed = '';
  /** The trace's last lines when the run ended (what happened just before). */
  traceTail: string[] = [];
  /** The trace's hash when the run ended: the same seed fails with the same hash. */
  traceHash = '';

  constructor(
    message: string,
    /** Further lines: what was expected, the trace's last lines, ... */
    readonly notes: string[] = [],
  ) {
    super(message);
  }

  /** Stamps the time and seed, once (the first stamp is when it happened). */
  stamp(atMs: number, seed: string): this {
    if (!this.seed) {
      this.atMs = atMs;
      this.seed = seed;
    }
    return this;
  }
}
