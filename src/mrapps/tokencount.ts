// Token count: how often each whitespace-separated token occurs. The grader's
// adversarial-input and key-order tests use it instead of wc because wc keeps
// only letters, so "__proto__" would reach the worker as "proto": here every
// token is a key exactly as written, underscores, digits and quotes included.

import type { KeyValue } from '../mr/worker';

/** Any run of whitespace (Unicode's, e.g. U+3000 too) separates tokens. */
const SPACE = /\s+/u;

/** Called once per input file: emits (token, "1") for every occurrence of a token. */
export function map(filename: string, contents: string): KeyValue[] {
  return contents
    .split(SPACE)
    .filter((token) => token !== '')
    .map((token) => ({ key: token, value: '1' }));
}

/** Called once per distinct token with all its values: the number of occurrences. */
export function reduce(key: string, values: string[]): string {
  return String(values.length);
}
