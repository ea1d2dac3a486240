// One test, from the lab's harness to a result: the harness is made, the
// body run, the lab's finish has the last word. What the body throws is the
// test's outcome (a failure, a skip); what breaks in the harness or in
// finish is the grader's own error, never the student's failure.

import type { Entry } from './catalog';
import type { Lab, TestRun } from './lab';
import { notesOf, Outcome, outcomeOf } from './outcome';
import type { TestResult } from './summary';

/** Runs a test to its outcome; the harness is kept for the lab's debugging aids (undefined when it could not be made). */
export async function runOneTest(lab: Lab, test: TestRun): Promise<{ outcome: Outcome; harness?: unknown }> {
  let harness: unknown;
  try {
    harness = lab.harness(test);
    let outcome: Outcome;
    try {
      await test.spec.run(harness);
      outcome = { status: 'passed', notes: [] };
    } catch (err) {
      outcome = outcomeOf(err);
    }
    return { outcome: await lab.finish(harness, outcome, test), harness };
  } catch (err) {
    const broke = outcomeOf(err); // the harness itself broke
    const outcome: Outcome =
      broke.status === 'error' ? broke : { status: 'error', message: String((err as Error).stack ?? err) };
    return { outcome, harness };
  }
}

/** Which test a result is of. */
export function identity(entry: Entry, run: number): Pick<TestResult, 'id' | 'test' | 'name' | 'tier' | 'run'> {
  return { id: entry.id, test: entry.spec.id, name: entry.spec.name, tier: entry.tier.id, run };
}

/** An outcome as every report reads it. */
export function resultOf(entry: Entry, run: number, outcome: Outcome, durationMs: number): TestResult {
  return {
    ...identity(entry, run),
    status: outcome.status,
    passed: outcome.status === 'passed' || outcome.status === 'skipped',
    durationMs,
    notes: outcome.status === 'skipped' ? [] : notesOf(outcome),
    ...(outcome.status === 'skipped' ? { skipped: outcome.why } : {}),
  };
}
