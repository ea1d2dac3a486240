// An inverted index: for each word, how many documents hold it, and which.

import { compareCodePoints } from '../kit/order';
import type { KeyValue } from '../mr/worker';
import { words } from './lib/text';

/** Emits (word, document) once for each distinct word of the document. */
export function map(document: string, contents: string): KeyValue[] {
  return [...new Set(words(contents))].map((word) => ({ key: word, value: document }));
}

/** "<count> <doc1>,<doc2>,...", the documents sorted. */
export function reduce(key: string, values: string[]): string {
  const documents = [...values].sort(compareCodePoints);
  return `${documents.length} ${documents.join(',')}`;
}
