// The course's seven tests: ids for the command line, the names the course
// prints, and the apps whose sequential output each one needs.

export const TEST_IDS = [
  'wc',
  'indexer',
  'map-parallelism',
  'reduce-parallelism',
  'job-count',
  'early-exit',
  'crash',
] as const;

export type TestId = (typeof TEST_IDS)[number];

/** The name in `*** Starting <name> test.` and `--- <name> test: PASS`. */
export const DISPLAY_NAMES: Record<TestId, string> = {
  wc: 'wc',
  indexer: 'indexer',
  'map-parallelism': 'map parallelism',
  'reduce-parallelism': 'reduce parallelism',
  'job-count': 'job count',
  'early-exit': 'early exit',
  crash: 'crash',
};

/** The app whose mrsequential output is the expected answer, if any. */
export const EXPECTED_APP: Partial<Record<TestId, string>> = {
  wc: 'wc',
  indexer: 'indexer',
  'early-exit': 'early_exit',
  crash: 'nocrash',
};
