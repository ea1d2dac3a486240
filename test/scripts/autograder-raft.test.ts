// The Gradescope autograder of the Raft lab: the zip `npm run autograder --
// --lab raft` builds, graded on an emulated Gradescope layout (source/,
// submission/, results/ under a temporary root instead of /autograder).

import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { unpackedAutograder } from '../helpers/autograder';
import { makeTempDir, removeTempDir } from '../helpers/tmpdir';

const KIT = path.resolve(__dirname, '..', '..');
const SOLUTION = path.join(KIT, 'labs', 'raft', 'solution');

describe("the Raft lab's Gradescope autograder", () => {
  let work: string;
  let source: string;

  beforeAll(() => {
    work = makeTempDir('raft-autograder-test-');
    fs.chmodSync(work, 0o755); // the sandbox users reach the kit's compiled code in it
    const zip = path.join(work, 'autograder.zip');
    fs.mkdirSync(path.join(work, 'template'), { mode: 0o755 }); // the sandbox users reach the kit's compiled code
    source = unpackedAutograder('raft', zip, path.join(work, 'template', 'source'));
  }, 400_000);

  afterAll(() => removeTempDir(work));

  /** A Gradescope root holding src/raft from `from`; runs run_autograder on some tests and returns results.json. */
  function grade(name: string, from: string, only: string) {
    const root = path.join(work, name);
    fs.mkdirSync(path.join(root, 'submission'), { recursive: true });
    fs.symlinkSync(source, path.join(root, 'source'));
    fs.cpSync(from, path.join(root, 'submission', 'src', 'raft'), { recursive: true });
    const run = spawnSync('bash', [path.join(source, 'run_autograder')], {
      env: { ...process.env, AUTOGRADER_ROOT: root, AUTOGRADER_ONLY: only, TMPDIR: work },
      encoding: 'utf8',
      timeout: 240_000,
    });
    const results = JSON.parse(fs.readFileSync(path.join(root, 'results', 'results.json'), 'utf8'));
    return { results, output: run.stdout + run.stderr };
  }

  test('the zip holds the Raft room, the simulator and labrpc, and no solution of any lab', () => {
    expect(fs.existsSync(path.join(source, 'src', 'raft', 'raft.ts'))).toBe(true);
    expect(fs.existsSync(path.join(source, 'src', 'labrpc'))).toBe(true);
    expect(fs.existsSync(path.join(source, 'grader', 'sim'))).toBe(true);
    expect(fs.existsSync(path.join(source, 'labs', 'raft', 'solution'))).toBe(false);
    expect(fs.existsSync(path.join(source, 'labs', 'mr', 'solution'))).toBe(false);
    expect(JSON.parse(fs.readFileSync(path.join(source, 'autograder.json'), 'utf8'))).toEqual({
      lab: 'raft',
      tiers: ['2A', '2B', '2C', '2D'],
    });
  });

  test('a correct Raft earns the points of the tests it ran', () => {
    const { results } = grade('correct', SOLUTION, '2A');
    const points = JSON.parse(fs.readFileSync(path.join(KIT, 'grader', 'labs', 'raft', 'points.json'), 'utf8'));
    expect(results.tests.map((t: any) => [t.name, t.status, t.score])).toEqual([
      ['initial election (2A) test', 'passed', points['initial-election']],
      ['election after network failure (2A) test', 'passed', points['re-election']],
      ['multiple elections (2A) test', 'passed', points['many-elections']],
    ]);
    expect(results.score).toBe(15);
  }, 240_000);

  test("the skeleton's failure shows its seed and a replay command for the student's clone, and no grading-machine folder", () => {
    const { results, output } = grade('skeleton', path.join(KIT, 'src', 'raft'), 'initial-election');
    expect(results.score).toBe(0);
    const [t] = results.tests;
    expect(t.status).toBe('failed');
    expect(t.output).toMatch(/^\s*expected one leader, got none$/m);
    expect(t.output).toMatch(
      /seed (\S+); to replay it in your own clone: npm run test-raft -- --only initial-election --seed \1$/m,
    );
    expect(t.output).not.toMatch(/\/tmp\/|artifacts|raft-autograder/);
    expect(output).not.toMatch(/--impl \S*raft-autograder/);
  }, 240_000);
});
