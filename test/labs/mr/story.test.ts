// What a forced schedule did is told in time order, though steps are often
// told after the moment they name (a hold is seen in a trace a poll later
// than the worker stopped there).

import { Story } from '../../../grader/labs/mr/harness/story';

test('steps are told in the order they happened, and one moment keeps the order it was told in', () => {
  const story = new Story(1_000);
  story.tell('worker 2 (pid 12) held before its first RPC', 3_400);
  story.tell('worker 1 (pid 11) held in the map of a.txt', 2_100); // seen later, happened earlier
  story.tell('the coordinator re-issued the task', 3_400);
  story.tell('worker 1 released', 12_000);
  expect(story.lines()).toEqual([
    '1.1 s: worker 1 (pid 11) held in the map of a.txt',
    '2.4 s: worker 2 (pid 12) held before its first RPC',
    '2.4 s: the coordinator re-issued the task',
    '11.0 s: worker 1 released',
  ]);
  expect(story.length).toBe(4);
});
