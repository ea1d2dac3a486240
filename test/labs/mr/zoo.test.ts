// The zoo: the grader must fail each broken implementation, by the right
// test, for the right reason and in bounded time, and pass the reference
// solution on the same tests. Each defect is a reference solution (the
// course's, or the challenge track's) with one small edit (test/labs/mr/zoo/defects.ts).

import * as fs from 'fs';
import * as path from 'path';
import { crashRandom } from '../../../src/mrapps/lib/random';
import { Base, CRASHING_SEED, DEFECTS, Defect } from './zoo/defects';
import { makeTempDir, removeTempDir } from '../../helpers/tmpdir';
import { startGroup } from '../../helpers/proc';

const KIT = path.resolve(__dirname, '..', '..', '..');
/** The reference solutions the defects are made from. */
const SOLUTIONS: Record<Base, string> = {
  solution: path.join(KIT, 'labs', 'mr', 'solution'),
  'solution-challenge': path.join(KIT, 'labs', 'mr', 'solution-challenge'),
};
const BASES = Object.keys(SOLUTIONS) as Base[];
const GRADER = path.join(KIT, 'dist-grader', 'grader', 'cli.js');
/** No defect may keep the grader busier than this, whatever it does. */
const RUN_BOUND_MS = 150_000;
/** Grader runs at once: the machine has two cores, and the tests time parallelism. */
const CONCURRENCY = 2;

interface GraderRun {
  code: number | null;
  ms: number;
  verdicts: Map<string, boolean>;
  /** The grader's notes on each test (its diagnosis of a failure). */
  notes: Map<string, string[]>;
  output: string;
}

/**
 * Whether jest runs the test of this name: under -t PATTERN only the defects
 * (and reference runs) whose tests the pattern selects are graded, so that
 * checking a few defects does not cost the whole zoo. (jest-circus keeps the
 * pattern in its state; without it, every test runs.)
 */
function selected(testName: string): boolean {
  const key = Object.getOwnPropertySymbols(globalThis).find((s) => s.description === 'JEST_STATE_SYMBOL');
  const state = key && (globalThis as Record<symbol, { testNamePattern?: RegExp | null } | undefined>)[key];
  const pattern = state ? state.testNamePattern : undefined;
  return !pattern || pattern.test(`the zoo of broken implementations ${testName}`);
}

function baseOf(defect: Defect): Base {
  return defect.base ?? 'solution';
}

/**
 * The tests each reference solution must pass: those its defects run. A defect
 * with no edit is the solution itself, run on a test of another track to show
 * it fails: that test is not asked of it.
 */
function referenceTests(base: Base): string[] {
  const defects = DEFECTS.filter((d) => baseOf(d) === base && d.edits.length > 0);
  return [...new Set(defects.flatMap((d) => d.run))];
}

/** What the grader's notes on a failed test must match for this defect, if anything. */
function reasonFor(defect: Defect, id: string): RegExp | undefined {
  return defect.reason instanceof RegExp ? defect.reason : defect.reason?.[id];
}

/** Copies the defect's base solution into `dir` and applies its edits, each of which must match exactly once. */
function buildDefect(defect: Defect, dir: string): void {
  fs.cpSync(SOLUTIONS[baseOf(defect)], dir, { recursive: true });
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
  const args = [GRADER, 'mr', 'quiet', '--impl', impl, '--only', tests.join(','), '--json', json, ...options];
  const run = await startGroup(process.execPath, args, {
    cwd: KIT,
    // a reference solution runs every test the zoo uses on it; SIGTERM: the grader ends its own processes
    limitMs: RUN_BOUND_MS + 30_000 + (Object.values(SOLUTIONS).includes(impl) ? 40_000 * tests.length : 0),
    limitSignal: 'SIGTERM',
  }).done;
  const verdicts = new Map<string, boolean>();
  const notes = new Map<string, string[]>();
  if (fs.existsSync(json)) {
    const summary = JSON.parse(fs.readFileSync(json, 'utf8'));
    for (const r of summary.runs) {
      for (const t of r.tests) {
        verdicts.set(t.test, t.passed); // the lab's own id ("layout"); t.id is qualified ("mr/layout")
        notes.set(t.test, t.notes);
      }
    }
  }
  return { code: run.code, ms: run.ms, verdicts, notes, output: run.output };
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
    const jobs = DEFECTS.filter((defect) => selected(`${defect.name} is caught`)).map((defect) => async () => {
      const impl = path.join(work, defect.name);
      buildDefect(defect, impl);
      const options = [...(defect.options ?? []), ...(defect.bigFirstInput ? ['--inputs', bigInputs] : [])];
      runs.set(defect.name, await runGrader(impl, defect.run, options, work));
    });
    for (const base of BASES) {
      const tests = referenceTests(base);
      if (tests.length === 0 || !selected(`the reference ${base} passes every test the zoo uses on it`)) continue;
      jobs.push(async () => {
        runs.set(`reference ${base}`, await runGrader(SOLUTIONS[base], tests, [], work));
      });
    }
    await pool(jobs, CONCURRENCY);
  }, 30 * 60_000);

  afterAll(() => removeTempDir(work));

  test("under the crash defects' seed, the first worker crashes in its first call", () => {
    // The grader gives worker n the seed "<S>-<n>"; a draw below 330 is a crash.
    expect(crashRandom(`${CRASHING_SEED[1]}-1`)(1000)).toBeLessThan(330);
  });

  test('every defect applies to its base solution as written', () => {
    for (const defect of DEFECTS) {
      const dir = path.join(work, `apply-${defect.name}`);
      expect(() => buildDefect(defect, dir)).not.toThrow();
    }
  });

  test('every reason is for a test its defect must fail', () => {
    for (const defect of DEFECTS) {
      if (defect.reason === undefined || defect.reason instanceof RegExp) continue;
      expect({ [defect.name]: Object.keys(defect.reason).filter((id) => !defect.mustFail.includes(id)) }).toEqual({
        [defect.name]: [],
      });
    }
  });

  test.each(BASES)('the reference %s passes every test the zoo uses on it', (base) => {
    const tests = referenceTests(base);
    const run = runs.get(`reference ${base}`)!;
    const failed = [...run.verdicts].filter(([, passed]) => !passed).map(([id]) => id);
    const notes = failed.map((id) => `${id}: ${run.notes.get(id)!.join('\n')}`).join('\n');
    expect({ failed, notes, code: run.code }).toEqual({ failed: [], notes: '', code: 0 });
    expect([...run.verdicts.keys()].sort()).toEqual([...tests].sort());
  });

  test('every test the zoo uses is passed by a reference solution', () => {
    const passed = new Set(BASES.flatMap((base) => referenceTests(base)));
    expect(DEFECTS.flatMap((d) => d.run).filter((id) => !passed.has(id))).toEqual([]);
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
    for (const id of defect.mustFail) {
      verdict(id, false);
      // Failed, but for the reason the defect is about? The grader's words say.
      const reason = reasonFor(defect, id);
      const notes = (run.notes.get(id) ?? []).join('\n');
      if (reason && !reason.test(notes))
        throw new Error(`${id} failed, but its notes do not match ${String(reason)}:\n${notes}\n\n${report}`);
    }
    for (const id of defect.mustPass ?? []) verdict(id, true);
    expect(run.ms).toBeLessThan(RUN_BOUND_MS);
  });
});
