// The generator's randomness: the kit's seeded stream, with the draws a
// text needs, and a Zipf-like law over ranks (common words often, the long
// tail rarely).

import { seededRandom } from '../../src/kit/random';

/** The kit's seeded generator, with a few helpers. */
export class Rng {
  /** A float in [0, 1). */
  readonly next: () => number;

  constructor(seed: string) {
    this.next = seededRandom(seed);
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** An integer in [lo, hi]. */
  range(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }
}

/** Draws ranks 0..n-1 with probability proportional to 1 / (rank + q)^s. */
export class Zipf {
  private readonly cumulative: Float64Array;

  constructor(n: number, s: number, q: number) {
    this.cumulative = new Float64Array(n);
    let sum = 0;
    for (let r = 0; r < n; r++) {
      sum += 1 / Math.pow(r + q, s);
      this.cumulative[r] = sum;
    }
  }

  draw(rng: Rng): number {
    const c = this.cumulative;
    const x = rng.next() * c[c.length - 1];
    let lo = 0;
    let hi = c.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (c[mid] > x) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }
}
