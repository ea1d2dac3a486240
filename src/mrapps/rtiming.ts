// Reduce-parallelism probe: ten keys a..j, and each reduce reports how many
// reduce workers were running at the same moment (see nparallel).

import type { KeyValue } from '../mr/worker';
import { nparallel } from './lib/probe';

export function map(filename: string, contents: string): KeyValue[] {
  return [...'abcdefghij'].map((key) => ({ key, value: '1' }));
}

export function reduce(key: string, values: string[]): string {
  return String(nparallel('reduce'));
}
