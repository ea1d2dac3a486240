// What a MapReduce test is, in one place: the core's fields (its id for
// --only, the name it prints, its body, the seed it replays on) and what
// this lab's harness reads (the app whose mrsequential output it compares
// with, each process's time limit, crash seeds, backups allowed). Each tier
// declares its tests with defineTests; the manifest puts the tiers in order.
// A test's points are the instructor's to set, in points.json.

import type { TestSpec } from '../../../core/lab';
import type { Job } from './job';

export interface MrTestSpec extends TestSpec<Job> {
  /** The app whose mrsequential output on the run's inputs is the expected answer. */
  readonly app?: string;
  /** Per process. */
  readonly limitMs: number;
  /** Each worker draws its crashes from a seed of its own, made from the run's seed (the crash app). */
  readonly crashSeeds?: boolean;
  /** A backup copy of a task may start before the course's 10 s reassignment (the invariants allow it). */
  readonly allowsBackups?: boolean;
}

/** The tests as written, their ids kept as literal types (so a test id is checked where it is used). */
export function defineTests<const T extends readonly MrTestSpec[]>(specs: T): T {
  return specs;
}
