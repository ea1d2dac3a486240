// The simulation's randomness: one seed (any string) and independent
// streams derived from it, one per purpose (the network, the tester, each
// incarnation's Math.random), so that draws in one never shift another.

import { seededRandom } from '../../src/kit/random';

/** The seed of a derived stream: seed/part/part... */
export function streamSeed(seed: string, ...parts: (string | number)[]): string {
  return [seed, ...parts].join('/');
}

export class Random {
  private readonly next: () => number;

  constructor(seed: string) {
    this.next = seededRandom(seed);
  }

  /** A float in [0, 1). */
  float(): number {
    return this.next();
  }

  /** An integer in [0, n), as Go's rand.Intn(n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
}
