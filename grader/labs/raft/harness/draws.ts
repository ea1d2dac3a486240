// The tester's random draws, as the course's tests make them with Go's
// math/rand, from the cluster's seeded tester stream: the same seed draws
// the same commands, victims and sleeps.

import type { Random } from '../../../sim';

/** rand.Int(): a non-negative integer (below 2^53, what a JavaScript number holds exactly). */
export function randInt(rand: Random): number {
  return rand.int(2 ** 21) * 2 ** 32 + rand.int(2 ** 32);
}

/** rand.Int31(). */
export function randInt31(rand: Random): number {
  return rand.int(2 ** 31);
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** The course's randstring(n): n characters of base64. */
export function randString(rand: Random, n: number): string {
  let text = '';
  for (let i = 0; i < n; i++) text += BASE64[rand.int(64)];
  return text;
}
