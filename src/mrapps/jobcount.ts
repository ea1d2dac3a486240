// Counts map invocations: each map leaves a marker file, and reduce counts
// the markers. A job over 8 files in which no map ran twice outputs "a 8".

import * as fs from 'fs';
import type { KeyValue } from '../mr/worker';
import { sleepSync } from './lib/probe';

let invocations = 0;

export function map(filename: string, contents: string): KeyValue[] {
  fs.writeFileSync(`mr-worker-jobcount-${process.pid}-${invocations++}`, 'x');
  sleepSync(2000 + Math.floor(Math.random() * 3000));
  return [{ key: 'a', value: 'x' }];
}

export function reduce(key: string, values: string[]): string {
  return String(fs.readdirSync('.').filter((name) => name.startsWith('mr-worker-jobcount')).length);
}
