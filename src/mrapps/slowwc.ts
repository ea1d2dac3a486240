// Word count whose every map call first blocks for about a second, so that
// a test can catch a worker in the middle of a map task (the grader's
// hung-worker and coordinator-loss tests). Its output is wc's.

import type { KeyValue } from '../mr/worker';
import { sleepSync } from './lib/probe';
import { words } from './lib/text';

export function map(filename: string, contents: string): KeyValue[] {
  sleepSync(1000);
  return words(contents).map((word) => ({ key: word, value: '1' }));
}

export function reduce(key: string, values: string[]): string {
  return String(values.length);
}
