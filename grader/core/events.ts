// The run loop tells reporters what happens, and nothing else does: each
// report (console, JSON, Gradescope, JUnit) is a Reporter in a module of its
// own that listens to these events. None of them imports a lab.

import type { Lab } from './lab';
import type { Summary, TestResult } from './summary';

export interface RunStart {
  lab: Lab;
  summary: Summary;
  /** Qualified ids of the tests each run will run, in order. */
  tests: string[];
  /** How many times the suite runs (--many), and how many at once. */
  many: number;
  parallel: number;
}

export interface TestStart {
  summary: Summary;
  id: string;
  name: string;
  run: number;
}

export interface TestEnd {
  summary: Summary;
  result: TestResult;
}

export interface Reporter {
  /** A line about the grading machine or the build, before the tests ("the wall is weak here"). */
  notice?(line: string): void;
  runStart?(e: RunStart): void;
  /** The build failed: no test will run (each is reported failed at once). */
  buildFailed?(summary: Summary): void;
  testStart?(e: TestStart): void;
  testEnd?(e: TestEnd): void;
  /** One whole run of the suite ended (with --many). */
  suiteEnd?(summary: Summary, run: number): void;
  runEnd?(summary: Summary): void;
}

/**
 * Tells every reporter. A reporter that throws stops neither the others nor the run; the errors come back
 * (one line each), for the caller to say and to count.
 */
export function broadcast<K extends keyof Reporter>(
  reporters: readonly Reporter[],
  event: K,
  ...args: Parameters<NonNullable<Reporter[K]>>
): string[] {
  const errors: string[] = [];
  for (const r of reporters) {
    const handler = r[event] as ((...a: unknown[]) => void) | undefined;
    try {
      handler?.apply(r, args);
    } catch (err) {
      errors.push((err as Error).message.split('\n')[0]);
    }
  }
  return errors;
}
