// Crash probe: every map and reduce call may kill its worker process (33%)
// or stall it for up to 10 s (33%). Set MR_CRASH_SEED to replay the draws.

import { compareCodePoints } from '../kit/order';
import type { KeyValue } from '../mr/worker';
import { crashOutput } from './lib/crash-output';
import { sleepSync } from './lib/probe';
import { crashRandom } from './lib/random';

const random = crashRandom();

function maybeCrash(): void {
  const r = random(1000);
  if (r < 330) {
    process.exit(1); // crash!
  } else if (r < 660) {
    sleepSync(random(10_000)); // delay for a while
  }
}

export function map(filename: string, contents: string): KeyValue[] {
  maybeCrash();
  return crashOutput(filename, contents);
}

export function reduce(key: string, values: string[]): string {
  maybeCrash();
  return [...values].sort(compareCodePoints).join(' ');
}

