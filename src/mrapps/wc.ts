// Word count: how often each word occurs in all the inputs.

import type { KeyValue } from '../mr/worker';
import { words } from './lib/text';

/** Called once per input file: emits (word, "1") for every occurrence of a word. */
export function map(filename: string, contents: string): KeyValue[] {
  return words(contents).map((word) => ({ key: word, value: '1' }));
}

/** Called once per distinct word with all its values: the number of occurrences. */
export function reduce(key: string, values: string[]): string {
  return String(values.length);
}
