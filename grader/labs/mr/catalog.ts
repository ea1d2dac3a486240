// The tests, in the order they run: the course's seven (course.ts), then the
// extended tier (extended.ts, data.ts, schedules.ts), then the challenge
// track's (challenge.ts: the paper's MapReduce). Each test is
// declared once, where its body is (spec.ts); this module only puts them in
// order and offers the views the rest of the grader asks for. The course's
// seven run by default; the extended tier with --extended, the challenge
// track's with --challenge; any test when named in --only.

import { EXTENDED_TESTS } from './tiers/extended';
import { DATA_TESTS } from './tiers/data';
import { SCHEDULE_TESTS } from './tiers/schedules';
import type { TestSpec } from './harness/spec';
import { COURSE_TESTS } from './tiers/course';
import { CHALLENGE_TESTS } from './tiers/challenge';

export type CourseId = (typeof COURSE_TESTS)[number]['id'];
export type ExtendedId = (typeof EXTENDED_TESTS)[number]['id'];
export type DataId = (typeof DATA_TESTS)[number]['id'];
export type ScheduleId = (typeof SCHEDULE_TESTS)[number]['id'];
export type ChallengeId = (typeof CHALLENGE_TESTS)[number]['id'];
export type TestId = CourseId | ExtendedId | ChallengeId;

export const COURSE_IDS: readonly CourseId[] = COURSE_TESTS.map((t) => t.id);
/** Stricter tests beyond the course's (what its grader never checks). */
export const EXTENDED_IDS: readonly ExtendedId[] = EXTENDED_TESTS.map((t) => t.id);
/** The challenge track's tests: workers on local disks of their own (the paper's MapReduce). */
export const CHALLENGE_IDS: readonly ChallengeId[] = CHALLENGE_TESTS.map((t) => t.id);
/** Every test, in the order they run: the course's, the extended tier, the challenge track's. */
export const TEST_IDS: readonly TestId[] = [...COURSE_IDS, ...EXTENDED_IDS, ...CHALLENGE_IDS];

const SPECS = new Map<TestId, TestSpec>([...COURSE_TESTS, ...EXTENDED_TESTS, ...CHALLENGE_TESTS].map((t) => [t.id, t]));

/** A test's declaration: its name, app, limit and body. */
export function spec(id: TestId): TestSpec {
  return SPECS.get(id)!;
}

export function isExtended(id: TestId): id is ExtendedId {
  return (EXTENDED_IDS as readonly string[]).includes(id);
}

export function isChallenge(id: TestId): id is ChallengeId {
  return (CHALLENGE_IDS as readonly string[]).includes(id);
}

/** Beyond the course's seven: a broken invariant fails the test, and $TMPDIR is on another file system. */
export function isStrict(id: TestId): boolean {
  return isExtended(id) || isChallenge(id);
}

/** The name in `*** Starting <name> test.` and `--- <name> test: PASS`. */
export const DISPLAY_NAMES = Object.fromEntries(TEST_IDS.map((id) => [id, spec(id).name])) as Record<TestId, string>;

/** The app whose mrsequential output is the expected answer, if any (tests on generated inputs make their own). */
export const EXPECTED_APP = Object.fromEntries(
  TEST_IDS.filter((id) => spec(id).app !== undefined).map((id) => [id, spec(id).app!]),
) as Partial<Record<TestId, string>>;
