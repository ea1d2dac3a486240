// Seeded randomness: the same seed gives the same numbers on every machine,
// so a crash test or a generated corpus can be replayed.

import { fnv1a32 } from './hash';

/** A generator of floats in [0, 1) from any string seed (mulberry32 over the seed's FNV-1a). */
export function seededRandom(seed: string): () => number {
  let state = fnv1a32(seed);
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
