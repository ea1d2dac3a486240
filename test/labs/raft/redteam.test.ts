// The Raft red team: hostile Rafts (redteam/attacks.ts: the reference
// solution plus one attack that escapes the peer's vm context) graded by the
// command line as root, every peer a process of its own behind the wall,
// alone. Whatever each tries, its verdicts are those of the honest code (or
// the failure its attack earns, for its named reason), no peer reached
// another or an earlier incarnation of itself outside the network and the
// persister, the kit is unchanged, and no process is left running.

import { spawnSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { jsonTests, makeTmp, ROOT, runRaftGrader, type JsonTest } from './grader';
import { ATTACKS, makeHostile, type Attack } from './redteam/attacks';

const SOLUTION = path.join(ROOT, 'labs', 'raft', 'solution');
const asRoot = process.getuid?.() === 0;
const SANDBOX_UIDS = [61000, 62000];
const SEED = 'redteam';
/** Graders at once: the machine has two cores. */
const LANES = 2;

/** The tests each attack is graded on, and what each must end as: passed, or failed for this reason. */
const EXPECTED: Record<Attack, Record<string, true | RegExp>> = {
  'share-file': { 'initial-election': true, persist1: true },
  'share-global': { 'initial-election': true, persist1: true },
  // it saves nothing in its persister: a Raft that never persists fails persist1, and nothing outside saves it
  'survive-crash': {
    'initial-election': true,
    persist1: /commit index=\d+ server=\d .* != server=\d|failed to reach agreement/,
  },
  forge: { 'initial-election': /^expected one leader, got none$/ },
  'forge-note': { 'initial-election': /^peer 0: \S*\/src\/raft\/evil\.ts:\d+ threw Error: forged$/ },
  'block-cpu': { 'initial-election': /^peer 0 ran 5 s of CPU without yielding, at \S*\/src\/raft\/evil\.ts:\d+$/ },
  'block-real': {
    'initial-election': /^peer 0 did not finish a step in 20 s of real time: it is blocked outside the simulation/,
  },
  'real-timers': { 'initial-election': true, persist1: true },
};

interface Graded {
  code: number | null;
  ms: number;
  tests: JsonTest[];
  output: string;
  /** What the peers printed, of every test (the kept folders' peers.log). */
  evil: string[];
}

if (!asRoot)
  test.skip('the Raft red team needs root (CI runs as root): run npm test as root to run it', () => undefined);
const describeRoot = asRoot ? describe : describe.skip;

/** Digests of what no student may change. */
function kitState(): Record<string, string> {
  const files = [
    'grader/labs/raft/points.json',
    ...fs
      .readdirSync(path.join(ROOT, 'dist-grader', 'grader'))
      .filter((f) => f.endsWith('.js'))
      .map((f) => `dist-grader/grader/${f}`),
  ];
  const digest = (f: string) =>
    crypto
      .createHash('sha256')
      .update(fs.readFileSync(path.join(ROOT, f)))
      .digest('hex');
  return Object.fromEntries(files.map((f) => [f, digest(f)]));
}

/**
 * Live processes of the sandbox user ids that this file's graders started:
 * peers running from one of their builds (`.mr-build/<grader pid>-…`), or
 * anything working under `tmp` (their test folders: what the peers started).
 * Graders of other test files may run meanwhile: theirs are not ours to
 * count, nor to kill.
 */
function sandboxProcesses(tmp: string, graders: number[]): string[] {
  const found: string[] = [];
  for (const name of fs.readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    try {
      const uid = Number(/^Uid:\s+(\d+)/m.exec(fs.readFileSync(`/proc/${name}/status`, 'utf8'))![1]);
      const cmd = fs.readFileSync(`/proc/${name}/cmdline`, 'utf8').replace(/\0/g, ' ');
      const ours =
        graders.some((pid) => cmd.includes(`/.mr-build/${pid}-`)) ||
        fs.readlinkSync(`/proc/${name}/cwd`).startsWith(`${tmp}/`);
      if (ours && uid >= SANDBOX_UIDS[0] && uid < SANDBOX_UIDS[1] && /process-main|sleep 600/.test(cmd))
        found.push(`${name}: ${cmd}`);
    } catch {
      // gone
    }
  }
  return found;
}

describeRoot('red team: hostile Rafts graded as root, every peer alone behind the wall', () => {
  let tmp: string;
  let before: Record<string, string>;
  let after: Record<string, string>;
  let left: string[];
  const graded = new Map<Attack, Graded>();
  const graders: number[] = []; // pids of the graders this file started

  beforeAll(async () => {
    tmp = makeTmp();
    before = kitState();
    const queue = [...ATTACKS];
    const lane = async (): Promise<void> => {
      for (let attack = queue.shift(); attack; attack = queue.shift()) {
        const impl = path.join(tmp, `h-${attack}`, 'src', 'raft');
        const report = path.join(tmp, `report-${attack}.json`);
        makeHostile(SOLUTION, impl, attack, { kit: ROOT, report });
        const quiet = attack === 'forge' ? [] : ['quiet']; // the forger's lines are echoed: they must not pass for the grader's
        const tests = Object.keys(EXPECTED[attack]).join(',');
        const args = [...quiet, '--impl', impl, '--only', tests, '--seed', SEED, '--json', report, '--keep'];
        const run = await runRaftGrader(args, tmp, 240_000);
        graders.push(run.pid);
        const { tests: results } = jsonTests(report);
        const evil = results.flatMap((t) => {
          const log = t.dir ? path.join(t.dir, 'peers.log') : '';
          return log && fs.existsSync(log)
            ? fs
                .readFileSync(log, 'utf8')
                .split('\n')
                .filter((l) => l.includes('[evil]'))
            : [];
        });
        graded.set(attack, { code: run.code, ms: run.ms, tests: results, output: run.output, evil });
        for (const t of results) if (t.dir) fs.rmSync(t.dir, { recursive: true, force: true });
      }
    };
    await Promise.all(Array.from({ length: LANES }, lane));
    after = kitState();
    left = sandboxProcesses(tmp, graders);
  }, 900_000);

  afterAll(() => {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
    for (const p of left ?? []) spawnSync('kill', ['-9', p.split(':')[0]]); // (none, if the wall did its work)
  });

  test.each(ATTACKS)("%s: its verdicts are the honest code's, or the failure its attack earns", (attack) => {
    const g = graded.get(attack)!;
    const expected = EXPECTED[attack];
    expect(g.tests.map((t) => t.test).sort()).toEqual(Object.keys(expected).sort());
    for (const t of g.tests) {
      const want = expected[t.test];
      if (want === true)
        expect({ attack, test: t.test, status: t.status, notes: t.notes }).toMatchObject({
          attack,
          test: t.test,
          status: 'passed',
        });
      else
        expect({ attack, test: t.test, status: t.status, first: t.notes[0] }).toEqual({
          attack,
          test: t.test,
          status: 'failed',
          first: expect.stringMatching(want),
        });
    }
    const anyFailed = Object.values(expected).some((w) => w !== true);
    expect({ attack, code: g.code }).toEqual({ attack, code: anyFailed ? 1 : 0 }); // never 2: no grader error
  });

  test.each(['share-file', 'share-global', 'survive-crash'] as const)(
    '%s: no peer saw another, or an earlier incarnation of itself, outside the network and the persister',
    (attack) => {
      const g = graded.get(attack)!;
      expect(g.evil.length).toBeGreaterThan(0); // the attack did run
      expect(g.evil.filter((l) => /SAW|RESTORED/.test(l))).toEqual([]);
    },
  );

  test("share-file: the test's folder is not the peers' to write, and each peer's /tmp is its own", () => {
    const lines = graded.get('share-file')!.evil;
    expect(lines.some((l) => /write \/tmp: done/.test(l))).toBe(true); // its private /tmp
    expect(lines.filter((l) => /write \/\S*-grade-\S*: done/.test(l))).toEqual([]); // the test's folder (cwd)
  });

  test("forge: the report and the points are out of reach, and no line it prints passes for the grader's", () => {
    const g = graded.get('forge')!;
    expect(g.evil.filter((l) => /write the (report|points): done/.test(l))).toEqual([]);
    expect(g.output).toContain('peer 0: *** PASSED ALL TESTS'); // echoed, with its peer's name
    expect(g.output).toContain('peer 0: \\x0d--- initial election (2A) test: PASS\\x1b[2K'); // no escape reaches a terminal
    expect(g.output).not.toMatch(/[\r\u001b]/);
    expect(
      g.output.split('\n').filter((l) => /^(\*\*\* PASSED ALL TESTS|--- initial election \(2A\) test: PASS)/.test(l)),
    ).toEqual([]);
    expect(g.output).toMatch(/^\*\*\* FAILED SOME TESTS/m);
  });

  test("forge-note: the verdict in its error's message prints as lines of the failure's notes, not as the grader's", () => {
    const g = graded.get('forge-note')!;
    const [t] = g.tests;
    expect(t.notes.slice(1, 3)).toEqual([
      '--- initial election (2A) test: PASS',
      '*** PASSED ALL TESTS\\x1b[1A (in boot)',
    ]);
    expect(g.output).toContain('    --- initial election (2A) test: PASS\n'); // indented under the failure
    expect(
      g.output.split('\n').filter((l) => /^(\*\*\* PASSED ALL TESTS|--- initial election \(2A\) test: PASS)/.test(l)),
    ).toEqual([]);
    expect(g.output).not.toContain('\u001b[1A');
  });

  test('block-real: a peer blocked in real time is ended, and the test ends within a bound', () => {
    expect(graded.get('block-real')!.ms).toBeLessThan(120_000);
  });

  test('the kit and its compiled grader are unchanged', () => {
    expect(after).toEqual(before);
  });

  test('no process of the peers is left, detached children included', () => {
    expect(left).toEqual([]);
  });
});
