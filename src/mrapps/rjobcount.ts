// Counts reduce invocations: map emits the keys a..j, and each reduce call
// leaves a marker file mr-worker-rjobcount-<pid>-<n> holding its key, then
// takes 1-3 s. In a job in which no reduce ran twice there are exactly 10
// markers, one per key (the grader's reduce-count test).

import * as fs from 'fs';
import type { KeyValue } from '../mr/worker';
import { sleepSync } from './lib/probe';

const KEYS = 'abcdefghij'.split('');
let invocations = 0;

export function map(filename: string, contents: string): KeyValue[] {
  return KEYS.map((key) => ({ key, value: filename }));
}

export function reduce(key: string, values: string[]): string {
  fs.writeFileSync(`mr-worker-rjobcount-${process.pid}-${invocations++}`, key);
  sleepSync(1000 + Math.floor(Math.random() * 2000));
  return '1';
}
