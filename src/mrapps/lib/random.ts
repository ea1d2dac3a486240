// Random numbers for the crash app: truly random by default, or replayable
// when $MR_CRASH_SEED is set (the grader gives each worker process it starts
// its own seed, derived from the run's seed, and prints it on failure).

import { randomInt } from 'crypto';
import { seededRandom } from '../../kit/random';

/** A function returning integers in [0, max). */
export type RandomInt = (max: number) => number;

export function crashRandom(seed = process.env.MR_CRASH_SEED): RandomInt {
  if (!seed) return (max) => randomInt(max);
  const next = seededRandom(seed);
  return (max) => Math.floor(next() * max);
}
