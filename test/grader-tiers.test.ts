// Which tests a grader command line selects: the course's seven by default,
// the extended tier with --extended, the challenge track's with --challenge
// (alone: a challenge solution runs the course's seven apart), every tier
// with both, and exactly the named ones with --only.

import * as path from 'path';
import { parseOptions } from '../grader/core/options';
import { CHALLENGE_IDS, COURSE_IDS, EXTENDED_IDS, isChallenge, isStrict, TEST_IDS } from '../grader/labs/mr/catalog';

const ROOT = path.resolve(__dirname, '..');
const tests = (...argv: string[]): string[] => parseOptions(argv, ROOT).tests;

test('the course, extended and challenge tiers are selected by their options', () => {
  expect(tests()).toEqual(COURSE_IDS);
  expect(tests('--extended')).toEqual([...COURSE_IDS, ...EXTENDED_IDS]);
  expect(tests('--challenge')).toEqual(CHALLENGE_IDS);
  expect(tests('--challenge', '--extended')).toEqual(TEST_IDS);
  expect(tests('--challenge', '--skip', 'two-hosts')).toEqual(CHALLENGE_IDS.filter((id) => id !== 'two-hosts'));
  expect(tests('--only', 'lost-map,wc')).toEqual(['wc', 'lost-map']); // in the order they run
});

test('the challenge track has its five tests, each strict (a broken invariant fails it)', () => {
  expect(CHALLENGE_IDS).toEqual(['shuffle-wc', 'shuffle-indexer', 'lost-map', 'straggler', 'two-hosts']);
  for (const id of CHALLENGE_IDS) expect(isChallenge(id) && isStrict(id)).toBe(true);
  for (const id of COURSE_IDS) expect(isChallenge(id) || isStrict(id)).toBe(false);
});
