// Our own JSON report: the whole summary, written after every test (so a
// grader that dies leaves what it had found) and at the end.

import type { Reporter } from '../core/events';
import type { Summary } from '../core/summary';
import { writeAtomic } from '../sandbox/files';

/**
 * A report written whole, as JSON, after every test (so a grader that dies leaves what it had found), when the
 * build fails, and at the end.
 */
export class SummaryFileReporter implements Reporter {
  constructor(
    private readonly file: string,
    private readonly render: (summary: Summary) => unknown = (summary) => summary,
  ) {}

  private write(summary: Summary): void {
    writeAtomic(this.file, JSON.stringify(this.render(summary), null, 2) + '\n');
  }

  buildFailed(summary: Summary): void {
    this.write(summary);
  }

  testEnd(e: { summary: Summary }): void {
    this.write(e.summary);
  }

  runEnd(summary: Summary): void {
    this.write(summary);
  }
}

export class JsonReporter extends SummaryFileReporter {}
