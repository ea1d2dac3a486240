// How the selected tests are laid out in lanes (each lane has a sandbox
// user id of its own): --many runs of the whole suite, --parallel of them at
// once; or the suite once, with up to --parallel of its tests at once where
// the lab allows it (virtual time), their starts, live lines and ends shown
// in the catalogue's order (in-order.ts).

import type { Entry } from './catalog';
import { broadcast, Reporter } from './events';
import { InOrder } from './in-order';
import type { RunResult, Summary, TestResult } from './summary';

/** Where one test runs: its entry, run and seed, its lane, its number in the run, and where its live lines go. */
export interface TestSlot {
  entry: Entry;
  seed: string;
  lane: number;
  run: number;
  n: number;
  print: (line: string) => void;
}

export interface Lanes {
  tests: readonly Entry[];
  many: number;
  parallel: number;
  seed: string;
  summary: Summary;
  reporters: readonly Reporter[];
  runTest(slot: TestSlot): Promise<TestResult>;
}

/** --many runs of the suite (seeds S.1, S.2, ...), --parallel at once, each test after the other within a run. */
export async function runSuites(l: Lanes): Promise<void> {
  let next = 1;
  const lane = async (_: unknown, laneIndex: number): Promise<void> => {
    while (next <= l.many) {
      const run = next++;
      const seed = `${l.seed}.${run}`;
      const result: RunResult = { run, seed, durationMs: 0, tests: [] };
      l.summary.runs.push(result); // so far, for the reports written after every test
      const t0 = Date.now();
      let n = 0;
      for (const entry of l.tests) {
        broadcast(l.reporters, 'testStart', { summary: l.summary, id: entry.id, name: entry.spec.name, run });
        const print = (line: string) => console.log(line);
        const test = await l.runTest({ entry, seed, lane: laneIndex, run, n: ++n, print });
        result.tests.push(test);
        result.durationMs = Date.now() - t0;
        broadcast(l.reporters, 'testEnd', { summary: l.summary, result: test });
      }
      broadcast(l.reporters, 'suiteEnd', l.summary, run);
    }
  };
  await Promise.all(Array.from({ length: l.parallel }, lane));
  l.summary.runs.sort((a, b) => a.run - b.run);
}

/** The suite once: --parallel tests at once (1 unless the lab allows more), shown as if one after the other. */
export async function runOnce(l: Lanes): Promise<void> {
  const result: RunResult = { run: 1, seed: l.seed, durationMs: 0, tests: [] };
  l.summary.runs.push(result);
  const t0 = Date.now();
  const order = new InOrder();
  let next = 0;
  const lane = async (_: unknown, laneIndex: number): Promise<void> => {
    while (next < l.tests.length) {
      const i = next++;
      const entry = l.tests[i];
      order.do(i, () =>
        broadcast(l.reporters, 'testStart', { summary: l.summary, id: entry.id, name: entry.spec.name, run: 1 }),
      );
      const print = heldPrinter(order, i);
      const test = await l.runTest({ entry, seed: l.seed, lane: laneIndex, run: 1, n: i + 1, print });
      order.do(i, () => {
        result.tests.push(test);
        result.durationMs = Date.now() - t0;
        broadcast(l.reporters, 'testEnd', { summary: l.summary, result: test });
      });
      order.finish(i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(l.parallel, l.tests.length)) }, lane));
}

/** The live lines a test may have held back while an earlier test runs (the rest are in its logs). */
const HELD_LINES_MAX = 10_000;

/** Where test `i`'s live lines go: out at once at the head, else held, up to HELD_LINES_MAX (memory is the grader's). */
export function heldPrinter(order: InOrder, i: number): (line: string) => void {
  let held = 0;
  return (line) => {
    if (!order.waiting(i)) return console.log(line);
    held++;
    if (held <= HELD_LINES_MAX) order.do(i, () => console.log(line));
    else if (held === HELD_LINES_MAX + 1)
      order.do(i, () =>
        console.log(`(${HELD_LINES_MAX} lines were held while an earlier test ran; the rest are not shown here)`),
      );
  };
}
