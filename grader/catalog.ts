// The tests: ids for the command line, the names printed in `*** Starting
// <name> test.`, and the apps whose sequential output each one needs. The
// course's seven run by default; the extended tier (grader/extended.ts) runs
// with --extended, or when named in --only.

export const COURSE_IDS = [
  'wc',
  'indexer',
  'map-parallelism',
  'reduce-parallelism',
  'job-count',
  'early-exit',
  'crash',
] as const;

/** Stricter tests beyond the course's (what its grader never checks). */
export const EXTENDED_IDS = [
  'worker-exit',
  'hung-worker',
  'coordinator-loss',
  'layout',
  'atomic-output',
  'determinism',
  'reduce-count',
  // the data tests (extended-data.ts): unusual inputs and another nReduce
  'adversarial-input',
  'n-reduce',
  'few-keys',
  'key-order',
  // the forced schedules (schedules.ts): a straggler, a late report, a thundering herd
  'straggler-map',
  'straggler-reduce',
  'late-report',
  'herd',
] as const;

/** Every test, in the order they run: the course's, then the extended tier. */
export const TEST_IDS = [...COURSE_IDS, ...EXTENDED_IDS] as const;

export type CourseId = (typeof COURSE_IDS)[number];
export type ExtendedId = (typeof EXTENDED_IDS)[number];
export type DataId = Extract<ExtendedId, 'adversarial-input' | 'n-reduce' | 'few-keys' | 'key-order'>;
export type ScheduleId = Extract<ExtendedId, 'straggler-map' | 'straggler-reduce' | 'late-report' | 'herd'>;
export type TestId = (typeof TEST_IDS)[number];

export function isExtended(id: TestId): id is ExtendedId {
  return (EXTENDED_IDS as readonly string[]).includes(id);
}

/** The name in `*** Starting <name> test.` and `--- <name> test: PASS`. */
export const DISPLAY_NAMES: Record<TestId, string> = {
  wc: 'wc',
  indexer: 'indexer',
  'map-parallelism': 'map parallelism',
  'reduce-parallelism': 'reduce parallelism',
  'job-count': 'job count',
  'early-exit': 'early exit',
  crash: 'crash',
  'worker-exit': 'worker exit',
  'hung-worker': 'hung worker',
  'coordinator-loss': 'coordinator loss',
  layout: 'layout',
  'atomic-output': 'atomic output',
  determinism: 'determinism',
  'reduce-count': 'reduce count',
  'adversarial-input': 'adversarial input',
  'n-reduce': 'nReduce 7',
  'few-keys': 'few keys',
  'key-order': 'key order',
  'straggler-map': 'straggler in map',
  'straggler-reduce': 'straggler in reduce',
  'late-report': 'late report',
  herd: 'thundering herd',
};

/** The app whose mrsequential output is the expected answer, if any. */
export const EXPECTED_APP: Partial<Record<TestId, string>> = {
  wc: 'wc',
  indexer: 'indexer',
  'early-exit': 'early_exit',
  crash: 'nocrash',
  'hung-worker': 'wc', // slowwc's output is wc's
  layout: 'wc',
  'atomic-output': 'early_exit',
  determinism: 'wc',
  'n-reduce': 'wc',
  // adversarial-input, few-keys, key-order and the forced schedules make their own inputs, and their expected output
};
