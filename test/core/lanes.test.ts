// A test's live lines while tests run at once: out at once for the earliest
// test still running; held for a later one, and only so many, so that a
// test printing without end cannot fill the grader's memory while it waits.

import { InOrder } from '../../grader/core/in-order';
import { heldPrinter } from '../../grader/core/lanes';

test("a later test's lines are held up to a limit, then one line says the rest are not shown; the head's all pass", () => {
  const shown: string[] = [];
  const log = jest.spyOn(console, 'log').mockImplementation((line: string) => void shown.push(line));
  try {
    const order = new InOrder();
    const first = heldPrinter(order, 0);
    const second = heldPrinter(order, 1);
    for (let k = 0; k < 10_005; k++) second(`second ${k}`);
    expect(shown).toEqual([]);
    for (let k = 0; k < 10_005; k++) first(`first ${k}`);
    expect(shown).toHaveLength(10_005); // the head's lines, none held, none dropped
    order.finish(0);
    const released = shown.slice(10_005);
    expect(released).toHaveLength(10_001);
    expect(released[9_999]).toBe('second 9999');
    expect(released[10_000]).toMatch(
      /^\(10000 lines were held while an earlier test ran; the rest are not shown here\)$/,
    );
    second('second, now at the head');
    expect(shown[shown.length - 1]).toBe('second, now at the head');
  } finally {
    log.mockRestore();
  }
});
