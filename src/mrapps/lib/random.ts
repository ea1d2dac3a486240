// Random numbers for the crash app: truly random by default, or replayable
// when $MR_CRASH_SEED is set (the grader gives each worker process it starts
// its own seed, derived from the run's seed, and prints it on failure).

import { randomInt } from 'crypto';

/** A function returning integers in [0, max). */
export type RandomInt = (max: number) => number;

export function crashRandom(seed = process.env.MR_CRASH_SEED): RandomInt {
  if (!seed) return (max) => randomInt(max);
  const next = mulberry32(hashSeed(seed));
  return (max) => Math.floor(next() * max);
}

/** FNV-1a of the seed text: any string is a seed. */
function hashSeed(seed: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < seed.length; i++) h = Math.imul(h ^ seed.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** A small, well-mixed 32-bit generator, returning floats in [0, 1). */
function mulberry32(state: number): () => number {
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
