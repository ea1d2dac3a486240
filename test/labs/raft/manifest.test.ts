// The Raft lab as the core sees it: its four parts as tiers (--only 2A runs
// a part), the course's 28 tests with their ids and names, the strict tier
// (--strict: not by default, strict, 0 points each), a replay seed on each,
// points for each adding up to 100, and its options (--in-process, --shrink, --losses).

import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseOptions } from '../../../grader/core/options';
import { replayCommand } from '../../../grader/core/replay';
import { lab } from '../../../grader/labs/raft/manifest';
import type { RaftOptions } from '../../../grader/labs/raft/options';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const tests = (...argv: string[]): string[] => parseOptions(lab, argv, ROOT).tests.map((e) => e.spec.id);

const PARTS: Record<string, [string, string][]> = {
  '2A': [
    ['initial-election', 'initial election (2A)'],
    ['re-election', 'election after network failure (2A)'],
    ['many-elections', 'multiple elections (2A)'],
  ],
  '2B': [
    ['basic-agree', 'basic agreement (2B)'],
    ['rpc-bytes', 'RPC byte count (2B)'],
    ['follower-failure', 'test progressive failure of followers (2B)'],
    ['leader-failure', 'test failure of leaders (2B)'],
    ['fail-agree', 'agreement after follower reconnects (2B)'],
    ['fail-no-agree', 'no agreement if too many followers disconnect (2B)'],
    ['concurrent-starts', 'concurrent Start()s (2B)'],
    ['rejoin', 'rejoin of partitioned leader (2B)'],
    ['backup', 'leader backs up quickly over incorrect follower logs (2B)'],
    ['count', "RPC counts aren't too high (2B)"],
  ],
  '2C': [
    ['persist1', 'basic persistence (2C)'],
    ['persist2', 'more persistence (2C)'],
    ['persist3', 'partitioned leader and one follower crash, leader restarts (2C)'],
    ['figure8', 'Figure 8 (2C)'],
    ['unreliable-agree', 'unreliable agreement (2C)'],
    ['figure8-unreliable', 'Figure 8 (unreliable) (2C)'],
    ['reliable-churn', 'churn (2C)'],
    ['unreliable-churn', 'unreliable churn (2C)'],
  ],
  '2D': [
    ['snapshot-basic', 'snapshots basic (2D)'],
    ['snapshot-install', 'install snapshots (disconnect) (2D)'],
    ['snapshot-install-unreliable', 'install snapshots (disconnect+unreliable) (2D)'],
    ['snapshot-install-crash', 'install snapshots (crash) (2D)'],
    ['snapshot-install-uncrash', 'install snapshots (unreliable+crash) (2D)'],
    ['snapshot-all-crash', 'crash and restart all servers (2D)'],
    ['snapshot-init', 'snapshot initialization after crash (2D)'],
  ],
};
const ALL = Object.values(PARTS).flatMap((part) => part.map(([id]) => id));
const STRICT = [
  'strict-elections',
  'strict-agreement',
  'strict-rejoin',
  'strict-durability',
  'strict-snapshots',
  'strict-heartbeats',
  'strict-backup',
];

test('the four parts are default tiers, in order, each with the course tests of that part', () => {
  expect(lab.tiers.map((t) => [t.id, t.default ?? false, t.strict ?? false])).toEqual([
    ['2A', true, false],
    ['2B', true, false],
    ['2C', true, false],
    ['2D', true, false],
    ['strict', false, true],
  ]);
  for (const tier of lab.tiers.slice(0, 4)) expect(tier.tests.map((t) => [t.id, t.name])).toEqual(PARTS[tier.id]);
  expect(tests()).toEqual(ALL);
  expect(tests('--only', '2A')).toEqual(PARTS['2A'].map(([id]) => id));
  expect(tests('--only', 'snapshot-init,2B')).toEqual([...PARTS['2B'].map(([id]) => id), 'snapshot-init']);
  expect(tests('--skip', '2C,2D')).toEqual([...PARTS['2A'], ...PARTS['2B']].map(([id]) => id));
});

test('--strict adds the strict tier to the course tests; --tiers strict runs it alone', () => {
  const strict = lab.tiers.find((t) => t.id === 'strict')!;
  expect(strict.flag?.name).toBe('strict');
  expect(strict.tests.map((t) => t.id)).toEqual(STRICT);
  for (const t of strict.tests) expect(t.name).toMatch(/ \(strict\)$/);
  expect(tests('--strict')).toEqual([...ALL, ...STRICT]);
  expect(tests('--tiers', 'strict')).toEqual(STRICT);
});

test('every test replays from its seed, and the points cover exactly the tests, 100 in all', () => {
  for (const tier of lab.tiers) for (const t of tier.tests) expect(t.replay).toBe('seed');
  const points = JSON.parse(fs.readFileSync(path.join(ROOT, lab.points), 'utf8')) as Record<string, number>;
  expect(Object.keys(points)).toEqual([...ALL, ...STRICT]);
  expect(Object.values(points).reduce((a, b) => a + b, 0)).toBe(100);
  for (const id of STRICT) expect([id, points[id]]).toEqual([id, 0]); // the instructor's to set
  const part = (id: string) => PARTS[id].reduce((sum, [test]) => sum + points[test], 0);
  expect(['2A', '2B', '2C', '2D'].map(part)).toEqual([15, 35, 30, 20]);
});

test('--in-process keeps every peer in the grader; graded runs are the default', () => {
  expect(parseOptions(lab, [], ROOT).labOptions).toMatchObject({ inProcess: false });
  expect(parseOptions(lab, ['--in-process'], ROOT).labOptions).toMatchObject({ inProcess: true });
});

test('--shrink and --losses: parsed, bad lists refused in one line, and a replay repeats --losses', () => {
  const losses = (...argv: string[]) => (parseOptions(lab, argv, ROOT).labOptions as RaftOptions).losses;
  expect(losses()).toEqual({ shrink: false });
  expect(losses('--shrink')).toEqual({ shrink: true });
  expect(losses('--losses', '17, 3,17')).toEqual({ shrink: false, only: [3, 17] });
  expect(losses('--losses', 'none')).toEqual({ shrink: false, only: [] });
  for (const bad of ['1,x', '-1', '1,,2', '1.5'])
    expect(() => losses('--losses', bad)).toThrow(
      `--losses: expected numbers separated by commas (as --shrink prints them), or none; got "${bad}"`,
    );
  const flags = (...argv: string[]) => lab.replayFlags!(parseOptions(lab, argv, ROOT).labOptions as RaftOptions);
  expect(flags('--shrink', '--in-process')).toEqual([]); // they change how the run is shown or where it runs
  expect(flags('--losses', '3,17')).toEqual(['--losses 3,17']);
  expect(flags('--losses', 'none')).toEqual(['--losses none']);
  expect(replayCommand(ROOT, lab, 'backup', 's1', path.join(ROOT, 'src/raft'), ['--losses 3,17'])).toBe(
    'npm run test-raft -- --only backup --seed s1 --losses 3,17',
  );
});

test('two tests of a run at once by default (one per CPU at most); --seeds runs and --parallel as asked', () => {
  const parallel = (...argv: string[]) => parseOptions(lab, argv, ROOT).parallel;
  expect(lab.testsAtOnce).toBe(2);
  expect(parallel()).toBe(Math.min(2, os.availableParallelism()));
  expect(parallel('--parallel', '1')).toBe(1);
  expect(parallel('--parallel', '3')).toBe(3);
  expect(parallel('--seeds', '10')).toBe(1); // a table of seeds goes one run at a time unless asked
  expect(parallel('--seeds', '10', '--parallel', '2')).toBe(2);
});
