// The zoo: the grader must fail each broken implementation, by the right
// test and in bounded time, and pass the reference solution on the same
// tests. Each defect is the solution with one small edit (test/zoo/defects.ts).

import * as fs from 'fs';
import * as path from 'path';
import { crashRandom } from '../src/mrapps/lib/random';
import { CRASHING_SEED, DEFECTS, Defect } from './zoo/defects';
import { makeTempDir, removeTempDir } from './helpers/tmpdir';
import { startGroup } from './helpers/proc';

const KIT = path.resolve(__dirname, '..');
const SOLUTION = path.join(KIT, 'labs', 'mr', 'solution');
const GRADER = path.join(KIT, 'dist-grader', 'grader', 'cli.js');
/** No defect may keep the grader busier than this, whatever it does. */
const RUN_BOUND_MS = 150_000;
/** Grader runs at once: the machine has two cores, and the tests time parallelism. */
const CONCURRENCY = 2;

interface GraderRun {
  code: number | null;
  ms: number;
  verdicts: Map<string, boolean>;
  output: string;
}

/** Copies the solution into `dir` and applies the defect's edits, each of which must match exactly once. */
function buildDefect(defect: Defect, dir: string): void {
  fs.cpSync(SOLUTION, dir, { recursive: true });
  for (const edit of defect.edits) {
    const file = path.join(dir, edit.file);
    const text = fs.readFileSync(file, 'utf8');
    const count = text.split(edit.find).length - 1;
    if (count !== 1) throw new Error(`${defect.name}: edit of ${edit.file} matches ${count} times, not once`);
    fs.writeFileSync(
      file,
      text.replace(edit.find, () => edit.replace),
    );
  }
}

async function runGrader(impl: string, tests: string[], options: string[], work: string): Promise<GraderRun> {
  const json = path.join(work, `result-${path.basename(impl)}.json`);
  const args = [GRADER, 'quiet', '--impl', impl, '--only', tests.join(','), '--json', json, ...options];
  const run = await startGroup(process.execPath, args, {
    cwd: KIT,
    // the solution runs every test the zoo uses; SIGTERM: the grader ends its own processes
    limitMs: RUN_BOUND_MS + 30_000 + (impl === SOLUTION ? 40_000 * tests.length : 0),
    limitSignal: 'SIGTERM',
  }).done;
  const verdicts = new Map<string, boolean>();
  if (fs.existsSync(json)) {
    const summary = JSON.parse(fs.readFileSync(json, 'utf8'));
    for (const r of summary.runs) for (const t of r.tests) verdicts.set(t.id, t.passed);
  }
  return { code: run.code, ms: run.ms, verdicts, output: run.output };
}

/** The kit's inputs plus a-big.txt (all of them four times over), which sorts, and so is mapped, first. */
function makeBigFirstInputs(dir: string): string {
  fs.mkdirSync(dir);
  const inputs = fs.readdirSync(path.join(KIT, 'inputs')).filter((n) => n.endsWith('.txt'));
  const all = inputs.map((n) => fs.readFileSync(path.join(KIT, 'inputs', n)));
  fs.writeFileSync(path.join(dir, 'a-big.txt'), Buffer.concat([...all, ...all, ...all, ...all]));
  for (const n of inputs) fs.copyFileSync(path.join(KIT, 'inputs', n), path.join(dir, n));
  return path.join(dir, '*.txt');
}

/** Runs `jobs` at most `limit` at a time, keeping their order in the results. */
async function pool<T>(jobs: Array<() => Promise<T>>, limit: number): Promise<T[]> {
  const results: T[] = new Array(jobs.length);
  let next = 0;
  const lanes = Array.from({ length: limit }, async () => {
    while (next < jobs.length) {
      const i = next++;
      results[i] = await jobs[i]();
    }
  });
  await Promise.all(lanes);
  return results;
}

describe('the zoo of broken implementations', () => {
  let work: string;
  const runs = new Map<string, GraderRun>();

  beforeAll(async () => {
    work = makeTempDir('mr-zoo-');
    const bigInputs = makeBigFirstInputs(path.join(work, 'big-inputs'));
    const jobs = DEFECTS.map((defect) => async () => {
      const impl = path.join(work, defect.name);
      buildDefect(defect, impl);
      const options = [...(defect.options ?? []), ...(defect.bigFirstInput ? ['--inputs', bigInputs] : [])];
      runs.set(defect.name, await runGrader(impl, defect.run, options, work));
    });
    const everyTest = [...new Set(DEFECTS.flatMap((d) => d.run))];
    jobs.push(async () => {
      runs.set('solution', await runGrader(SOLUTION, everyTest, [], work));
    });
    await pool(jobs, CONCURRENCY);
  }, 30 * 60_000);

  afterAll(() => removeTempDir(work));

  test("under the crash defects' seed, the first worker crashes in its first call", () => {
    // The grader gives worker n the seed "<S>-<n>"; a draw below 330 is a crash.
    expect(crashRandom(`${CRASHING_SEED[1]}-1`)(1000)).toBeLessThan(330);
  });

  test('every defect applies to the solution as written', () => {
    for (const defect of DEFECTS) {
      const dir = path.join(work, `apply-${defect.name}`);
      expect(() => buildDefect(defect, dir)).not.toThrow();
    }
  });

  test('the reference solution passes every test the zoo uses', () => {
    const run = runs.get('solution')!;
    const failed = [...run.verdicts].filter(([, passed]) => !passed).map(([id]) => id);
    expect({ failed, code: run.code }).toEqual({ failed: [], code: 0 });
    expect(run.verdicts.size).toBe(new Set(DEFECTS.flatMap((d) => d.run)).size);
  });

  test.each(DEFECTS.map((d) => [d.name, d] as const))('%s is caught', (_name, defect) => {
    const run = runs.get(defect.name)!;
    const report = `${defect.name}: ${JSON.stringify([...run.verdicts])}\n${run.output.slice(-3000)}`;
    expect({ code: run.code, ranTests: run.verdicts.size }).toEqual({ code: 1, ranTests: defect.run.length });
    const verdict = (id: string, passed: boolean): void => {
      // On a surprise, the grader's own words: what it found, and where.
      if (run.verdicts.get(id) !== passed)
        throw new Error(`${id} should have ${passed ? 'passed' : 'failed'}:\n${report}`);
    };
    for (const id of defect.mustFail) verdict(id, false);
    for (const id of defect.mustPass ?? []) verdict(id, true);
    expect(run.ms).toBeLessThan(RUN_BOUND_MS);
  });
});
