// What a failed Raft test leaves in its kept folder: the simulation trace's
// last lines before the failure, and what the peers logged. (The replay
// command, which reruns the test exactly, is in the report.)

import * as fs from 'fs';
import * as path from 'path';
import type { TestRun } from '../../core/lab';
import type { RaftTest } from './harness/raft-test';

export function keep(h: RaftTest, test: TestRun): void {
  if (h.failure) fs.writeFileSync(path.join(test.dir, 'trace-tail.txt'), h.failure.traceTail.join('\n') + '\n');
  if (h.logs.length) fs.writeFileSync(path.join(test.dir, 'peers.log'), h.logs.join('\n') + '\n');
}
