// ihash: the course's FNV-1a partition hash, over the key's UTF-8 bytes.

import { ihash } from '../../src/kit/hash';

/** FNV-1a written out with BigInt, as an independent check. */
function fnv1a31(key: string): number {
  let hash = 2166136261n;
  for (const byte of new TextEncoder().encode(key)) {
    hash ^= BigInt(byte);
    hash = (hash * 16777619n) & 0xffffffffn;
  }
  return Number(hash & 0x7fffffffn);
}

test('matches the course test vectors', () => {
  expect(ihash('a')).toBe(1678518572);
  expect(ihash('a') % 10).toBe(2);
  expect(ihash('hello')).toBe(1335831723);
});

test('puts the rtiming keys in the course buckets (7 and 8 empty)', () => {
  const buckets = Object.fromEntries([...'abcdefghij'].map((key) => [key, ihash(key) % 10]));
  expect(buckets).toEqual({ a: 2, b: 9, c: 0, d: 5, e: 6, f: 3, g: 4, h: 3, i: 4, j: 1 });
});

test('hashes the UTF-8 bytes of non-ASCII keys, outside the BMP too', () => {
  expect(ihash('é')).toBe(513665217); // bytes c3 a9
  expect(ihash('straße')).toBe(640088088);
  expect(ihash('λόγος')).toBe(460249260);
  expect(ihash('\u{10400}')).toBe(1977416261); // 4 bytes f0 90 90 80, not two surrogates
  for (const key of ['', 'the', 'cafe\u0301', 'Москва', '\u{1D49C}\u{1D4B7}', 'x'.repeat(1000)]) {
    const hash = ihash(key);
    expect(hash).toBe(fnv1a31(key));
    expect(Number.isInteger(hash) && hash >= 0 && hash <= 0x7fffffff).toBe(true);
  }
});
