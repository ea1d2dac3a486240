// grader/labs/mr/harness/idle-cpu.ts: how straggler-map tells a worker
// that waits for a task from one that spins, on an idle machine and on a
// starved one, from the figures it measures.

import { isSpinning } from '../../../grader/labs/mr/harness/idle-cpu';

const SPAN = 9_700;

describe('isSpinning', () => {
  test('a waiting worker: next to no CPU, and it wanted little more', () => {
    expect(isSpinning({ usedMs: 50, wantedMs: 480, spanMs: SPAN, capacity: 2 })).toBe(false);
  });

  test('a spinning worker on an idle machine: a core of its own', () => {
    expect(isSpinning({ usedMs: 8_000, wantedMs: 9_600, spanMs: SPAN, capacity: 2 })).toBe(true);
    expect(isSpinning({ usedMs: 8_000, spanMs: SPAN, capacity: 2 })).toBe(true); // where the kernel gives no wait times
  });

  test('a spinning worker starved by a busy machine: little CPU, but it wanted it all along', () => {
    expect(isSpinning({ usedMs: 600, wantedMs: 9_500, spanMs: SPAN, capacity: 2 })).toBe(true);
    expect(isSpinning({ usedMs: 300, wantedMs: 9_500, spanMs: SPAN, capacity: 0.5 })).toBe(true); // a Gradescope box
  });

  test('a waiting worker on a stalled machine: it wanted the CPU long, but used next to none of it (seen in CI)', () => {
    expect(isSpinning({ usedMs: 40, wantedMs: 9_080, spanMs: SPAN, capacity: 2 })).toBe(false);
  });

  test('on a machine of half a core, a tenth of a core is still the most a waiting worker may use', () => {
    expect(isSpinning({ usedMs: 900, wantedMs: 1_000, spanMs: SPAN, capacity: 0.5 })).toBe(false);
    expect(isSpinning({ usedMs: 1_100, wantedMs: 1_200, spanMs: SPAN, capacity: 0.5 })).toBe(true);
  });
});
