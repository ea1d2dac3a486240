// Key order, as Go sorts strings. JavaScript's < compares UTF-16 code units, which puts letters
// outside the BMP (stored as surrogates, 0xD800-0xDFFF) before U+E000-U+FFFF.
// Comparing by code point instead gives the byte order of UTF-8, as Go does.

/** Compares two strings by Unicode code point: <0, 0 or >0. */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) {
      // A surrogate starts a code point above U+FFFF: above any lone BMP unit.
      const xs = x >= 0xd800 && x <= 0xdfff;
      const ys = y >= 0xd800 && y <= 0xdfff;
      return xs === ys ? x - y : xs ? 1 : -1;
    }
  }
  return a.length - b.length;
}
