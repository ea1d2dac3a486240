// Early-exit probe: reduces of some keys are slow, so a process that exits
// (or a done() that turns true) before every output is final shows up.

import type { KeyValue } from '../mr/worker';
import { sleepSync } from './lib/probe';

export function map(filename: string, contents: string): KeyValue[] {
  return [{ key: filename, value: '1' }];
}

export function reduce(key: string, values: string[]): string {
  if (key.includes('sherlock') || key.includes('tom')) sleepSync(3000);
  return String(values.length);
}
