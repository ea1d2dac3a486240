// What a test is, in one place: its id (for --only), the name it prints,
// the app whose mrsequential output it compares with (if any), the time
// limit of each of its processes, and its body. Each tier declares its
// tests with defineTests (course.ts, extended.ts, data.ts,
// schedules.ts); catalog.ts puts them in order. A test's points are the
// instructor's to set, in points.json.

import type { Job } from './job';

export type TestBody = (job: Job) => Promise<void>;

export interface TestSpec {
  readonly id: string;
  /** As printed: `*** Starting <name> test.` */
  readonly name: string;
  /** The app whose mrsequential output on the run's inputs is the expected answer. */
  readonly app?: string;
  /** Per process. */
  readonly limitMs: number;
  readonly run: TestBody;
}

/** The tests as written, their ids kept as literal types (so a test id is checked where it is used). */
export function defineTests<const T extends readonly TestSpec[]>(specs: T): T {
  return specs;
}
