// Tests run at once, shown in order: what a later test does waits until the
// tests before it have finished, then happens in the order it was asked.

import { InOrder } from '../../grader/core/in-order';

test("a later test's actions wait for the earlier tests, then run in the order given", () => {
  const order = new InOrder();
  const seen: string[] = [];
  const say = (i: number, what: string) => order.do(i, () => seen.push(`${i} ${what}`));
  say(0, 'start');
  say(1, 'start');
  say(2, 'start');
  say(2, 'line');
  say(1, 'line');
  say(0, 'line');
  say(2, 'end');
  order.finish(2); // the last test ends first: nothing of it shows yet
  expect(seen).toEqual(['0 start', '0 line']);
  say(0, 'end');
  order.finish(0); // test 1 catches up; test 2 waits for it
  expect(seen).toEqual(['0 start', '0 line', '0 end', '1 start', '1 line']);
  say(1, 'more');
  say(1, 'end');
  order.finish(1); // now test 2, finished long ago, shows all it did
  expect(seen).toEqual([
    '0 start',
    '0 line',
    '0 end',
    '1 start',
    '1 line',
    '1 more',
    '1 end',
    '2 start',
    '2 line',
    '2 end',
  ]);
});
