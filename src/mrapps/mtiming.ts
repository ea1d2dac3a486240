// Map-parallelism probe: each map records when it ran and how many map
// workers were running at the same moment (see nparallel).

import { compareCodePoints } from '../kit/order';
import type { KeyValue } from '../mr/worker';
import { nparallel } from './lib/probe';

export function map(filename: string, contents: string): KeyValue[] {
  const started = (Date.now() / 1000).toFixed(1);
  const parallel = nparallel('map');
  return [
    { key: `times-${process.pid}`, value: started },
    { key: `parallel-${process.pid}`, value: String(parallel) },
  ];
}

export function reduce(key: string, values: string[]): string {
  return [...values].sort(compareCodePoints).join(' ');
}
