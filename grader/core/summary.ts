// What a grading run found, as every report reads it: per run, per test, an
// outcome with its diagnosis. The JSON report is this, written whole.

import type { Outcome } from './outcome';

export interface TestResult {
  /** Qualified: "<lab>/<test>" ("mr/wc"). */
  id: string;
  /** The lab's own id of the test ("wc"): what --only takes and points files name. */
  test: string;
  /** As printed: "map parallelism". */
  name: string;
  /** The tier it belongs to ("course", "extended", ...). */
  tier: string;
  run: number; // 1-based
  status: Outcome['status'];
  /** The suite's verdict counts it as passed (a skipped test too, which earns no points). */
  passed: boolean;
  durationMs: number;
  /** The diagnosis of a failure, notes of a pass, or a harness error's message. */
  notes: string[];
  /** Why the test could not run here (status "skipped"). */
  skipped?: string;
  /** The kept test folder (on the grading machine). */
  dir?: string;
  /** The seed of a test that declares one, and the command that replays it on a student's clone. */
  seed?: string;
  replay?: { label: string; command: string };
}

export interface RunResult {
  run: number;
  seed: string;
  durationMs: number;
  tests: TestResult[];
}

export interface Summary {
  lab: string;
  kit: string;
  impl: string;
  seed: string;
  startedAt: string;
  durationMs: number;
  build: { ok: boolean; message: string; changedProvided?: string[] };
  runs: RunResult[];
  pids: number[]; // every process the grader started
  passed: boolean;
  /** Some test ended in a harness error: the grader broke, not the student's code. */
  harnessError: boolean;
  /** What separates the grader from the student's processes (sandbox/wall.ts), in one line. */
  wall?: string;
  /** The grader's own peak resident memory. */
  graderPeakRssMb?: number;
  /** The lab's own facts about the run (MapReduce: its input files). */
  details?: Record<string, unknown>;
}

/** Per test, over all runs, in the order they first ran. */
export function byTest(summary: Summary): Array<{ id: string; results: TestResult[] }> {
  const ids: string[] = [];
  for (const t of summary.runs.flatMap((r) => r.tests)) if (!ids.includes(t.id)) ids.push(t.id);
  return ids.map((id) => ({ id, results: summary.runs.flatMap((r) => r.tests.filter((t) => t.id === id)) }));
}
