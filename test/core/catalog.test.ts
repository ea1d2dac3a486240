// Which tests a grader command line selects, from a lab's tiers: the default
// tiers (MapReduce's: the course's seven), tiers added by their flags
// (--extended), a tier chosen alone that replaces the defaults (--challenge),
// every tier with both, exactly the named tiers (--tiers), and exactly the
// named tests with --only, in the lab's order, by their own or their
// qualified ids.

import * as path from 'path';
import { Catalog } from '../../grader/core/catalog';
import { parseOptions } from '../../grader/core/options';
import { CHALLENGE_IDS, COURSE_IDS, EXTENDED_IDS, isStrict, MR, TEST_IDS } from '../labs/mr/ids';

const ROOT = path.resolve(__dirname, '..', '..');
const tests = (...argv: string[]): string[] => parseOptions(MR, argv, ROOT).tests.map((e) => e.spec.id);

test('the course, extended and challenge tiers are selected by their options', () => {
  expect(tests()).toEqual(COURSE_IDS);
  expect(tests('--extended')).toEqual([...COURSE_IDS, ...EXTENDED_IDS]);
  expect(tests('--challenge')).toEqual(CHALLENGE_IDS);
  expect(tests('--challenge', '--extended')).toEqual(TEST_IDS);
  expect(tests('--challenge', '--skip', 'two-hosts')).toEqual(CHALLENGE_IDS.filter((id) => id !== 'two-hosts'));
  expect(tests('--only', 'lost-map,wc')).toEqual(['wc', 'lost-map']); // in the order they run
  expect(tests('--only', 'mr/crash')).toEqual(['crash']); // the qualified id too
  expect(tests('--tiers', 'extended')).toEqual(EXTENDED_IDS);
  expect(tests('--tiers', 'challenge,course')).toEqual([...COURSE_IDS, ...CHALLENGE_IDS]);
  expect(tests('--only', 'challenge,wc')).toEqual(['wc', ...CHALLENGE_IDS]); // a tier named in --only: its tests
  expect(tests('--skip', 'course', '--extended')).toEqual(EXTENDED_IDS);
});

test('qualified ids are namespaced by the lab', () => {
  const catalog = new Catalog(MR);
  expect(catalog.entries.map((e) => e.id)).toEqual(TEST_IDS.map((id) => `mr/${id}`));
  expect(parseOptions(MR, ['--only', 'wc'], ROOT).tests[0].id).toBe('mr/wc');
});

test('--seeds N is --many N', () => {
  expect(parseOptions(MR, ['--seeds', '3'], ROOT).many).toBe(3);
  expect(() => parseOptions(MR, ['--seeds', '3', '--many', '2'], ROOT)).toThrow(
    '--many and --seeds are the same option',
  );
});

test('an unknown tier is one line naming the tiers', () => {
  expect(() => tests('--tiers', 'bonus')).toThrow(
    '--tiers: mr has no tier "bonus" (tiers: course, extended, challenge)',
  );
});

test('the challenge track has its eight tests, each strict (a broken invariant fails it)', () => {
  expect(CHALLENGE_IDS).toEqual([
    'shuffle-wc',
    'shuffle-indexer',
    'lost-map',
    'straggler',
    'two-hosts',
    'late-phase',
    'chunked-fetch',
    'lost-after-reduce',
  ]);
  for (const id of CHALLENGE_IDS) expect(isStrict(id)).toBe(true);
  for (const id of EXTENDED_IDS) expect(isStrict(id)).toBe(true);
  for (const id of COURSE_IDS) expect(isStrict(id)).toBe(false);
});
