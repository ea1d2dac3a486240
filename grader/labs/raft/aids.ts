// What a kept Raft test's folder holds (a failed test's, or every test's
// with --trace or --keep): the simulation trace's last lines before the
// failure, what the peers printed, every peer's events in columns (text and
// a page) and the timeline of their roles, crashes, elections and commits.
// (The replay command, which reruns the test exactly, is in the report.)

import * as path from 'path';
import type { TestRun } from '../../core/lab';
import type { TestResult } from '../../core/summary';
import { writeFresh } from '../../sandbox/files';
import { columnsPage, columnsText } from './aids/columns';
import type { RaftTest } from './harness/raft-test';
import { timelinePage } from './timeline/page';

export function keep(h: RaftTest, test: TestRun, result: TestResult): void {
  const write = (name: string, text: string) => writeFresh(path.join(test.dir, name), text); // never through a link
  if (h.failure) write('trace-tail.txt', h.failure.traceTail.join('\n') + '\n');
  if (h.logs.length) write('peers.log', h.logs.join('\n') + '\n');
  if (!h.record) return;
  const title = `${test.runs > 1 ? `[run ${test.run}] ` : ''}${test.spec.name} test (seed ${test.seed})`;
  write('peers-columns.txt', columnsText(h.record, title, result.notes));
  write('peers-columns.html', columnsPage(h.record, title, result.notes));
  write('timeline.html', timelinePage(h.record, title, result.passed, result.notes));
}
