// FNV-1a, the hash behind the lab's ihash and the kit's seeded randomness.

/** 32-bit FNV-1a over a string's UTF-8 bytes, as an unsigned integer. */
export function fnv1a32(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(text, 'utf8')) hash = Math.imul(hash ^ byte, 0x01000193);
  return hash >>> 0;
}

/**
 * The reduce task of a key is ihash(key) % nReduce: FNV-1a kept to 31 bits,
 * as the course's Go ihash. Workers, mrsequential's checks and the grader
 * all use this one.
 */
export function ihash(key: string): number {
  return fnv1a32(key) & 0x7fffffff;
}
