// The crash app without its crashes and delays: the grader's source of the
// crash test's expected output.

import { compareCodePoints } from '../kit/order';
import type { KeyValue } from '../mr/worker';
import { crashOutput } from './lib/crash-output';

export function map(filename: string, contents: string): KeyValue[] {
  return crashOutput(filename, contents);
}

export function reduce(key: string, values: string[]): string {
  return [...values].sort(compareCodePoints).join(' ');
}
