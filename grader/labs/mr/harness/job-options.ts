// What a job is given: what every test of a run shares (built once by the
// manifest's harness hook), how the job runs its processes (from the test's
// spec and tier), and how it starts one worker.

import type { Build } from '../../../core/build';
import type { Registry } from '../../../core/processes';
import type { ScratchFolders } from '../../../sandbox/scratch';
import type { Wall } from '../../../sandbox/wall';

/** What every test of one run shares. */
export interface RunContext {
  build: Build;
  registry: Registry;
  inputs: string[]; // as passed to the apps: ../inputs/<name>, relative to a test dir
  expected: Map<string, string[]>; // app -> mrsequential's output, sorted
  quiet: boolean;
  scale: number;
  seed: string; // this run's seed (the crash app's seeds come from it)
  scratch: ScratchFolders; // removed by the grader (or its watchdog) whatever happens
  wall: Wall;
  lane: number; // which of the --parallel lanes runs this test (each has its own sandbox user id)
  impl: string; // the implementation's folder, to name its files in diagnoses
}

/** How a job runs its processes. */
export interface JobOptions {
  /** Each process's time limit. */
  limitMs: number;
  /** Give each worker a crash seed of its own, drawn from the run's seed (the crash app reads it). */
  crashSeeds?: boolean;
  /** Give the processes a $TMPDIR on another file system than the job's folder, when there is one (the strict tiers). */
  foreignTmp?: boolean;
  /** A backup copy of a task may start before the 10 s reassignment (the invariants allow it). */
  allowsBackups?: boolean;
}

export interface WorkerOptions {
  /** The challenge track's mode (mrworker --challenge), with a local disk the grader chose. */
  challenge?: boolean;
  /** Where a challenge worker serves the others (default: a socket on its local disk). */
  serveOn?: string;
  /** Where it finds the coordinator (default: the job's endpoint). */
  endpoint?: string;
  /** The network namespace ("host") it runs in (two-hosts test). */
  host?: string;
}
