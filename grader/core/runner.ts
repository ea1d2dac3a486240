// One grader invocation: build, inputs, expected outputs, the runs of the
// suite (one, or --many N of them, --parallel P at a time), the console
// lines, and the cleanup that must happen whatever ends it. The grader is the
// trusted side of the wall (sandbox/wall.ts): the student's processes run in
// cells, and nothing they can write is read back as a verdict.

import chalk from 'chalk';
import * as fs from 'fs';
import * as path from 'path';
import { Build, buildImpl, driver, makeBuildDir } from './build';
import { DISPLAY_NAMES, EXPECTED_APP, isStrict, spec, TestId } from '../labs/mr/catalog';
import { invariantBreaks } from '../labs/mr/harness/invariants';
import { Job, otherFileSystem, RunContext, TestFailure, TestSkipped } from '../labs/mr/harness/job';
import { Options } from './options';
import { OutputTooLarge, readOutput, sortedLines } from '../labs/mr/harness/output';
import { Registry, startLine } from './processes';
import { closedAncestor, Wall } from '../sandbox/wall';
import { ScratchFolders } from '../sandbox/scratch';
import { UsageError } from './options';
import { manyTable, RunResult, Summary, TestResult } from '../reports/results';
import { writeArtifacts } from '../labs/mr/tiers/course';
import { timelineData } from '../labs/mr/timeline/data';
import { writeTimeline } from '../labs/mr/timeline/page';
import { writeMergedLog } from '../reports/merged-log';

const BUILD_LIMIT_MS = 180_000;
const SEQUENTIAL_LIMIT_MS = 180_000;
/** Every test's body and per-process limit: the course's seven and the extended tier. */

export class Grader {
  readonly registry = new Registry();
  readonly wall: Wall;
  /** Called with the results so far after every test, so that a grader that dies still leaves them. */
  onProgress?: (summary: Summary) => void;
  private summary?: Summary;
  private base?: string; // <tmp>/mr-grade-XXXX: inputs/, and one folder per test
  private build?: Build;
  private buildDir?: string;
  private readonly scratch: ScratchFolders;
  private readonly kept = new Set<string>();
  private readonly startedAt = new Date();
  private cleaned = false;
  /** Set when a signal ends the grader: errors of code still running then are expected. */
  stopping = false;

  constructor(
    readonly kit: string,
    readonly opts: Options,
  ) {
    this.wall = new Wall(opts.budgets, path.join(__dirname, '..', 'sandbox', 'watchdog.js'));
    this.scratch = new ScratchFolders((message) => this.wall.tell(message));
  }

  private get many(): boolean {
    return this.opts.many > 1;
  }

  /** Runs everything; returns the summary (the caller writes reports and exits). */
  async run(): Promise<Summary> {
    const t0 = Date.now();
    const summary: Summary = {
      kit: this.kit,
      impl: this.opts.impl,
      inputs: this.opts.inputs,
      seed: this.opts.seed,
      startedAt: this.startedAt.toISOString(),
      durationMs: 0,
      build: { ok: false, message: '' },
      runs: [],
      pids: this.registry.pids,
      passed: false,
      wall: this.wall.describe(),
    };
    this.summary = summary;
    this.base = fs.mkdtempSync(path.join(this.wall.tmpdir(), 'mr-grade-'));
    fs.chmodSync(this.base, 0o711); // the sandbox users pass through to their own test folders, and list nothing
    this.buildDir = makeBuildDir(this.kit);
    this.scratch.add(this.buildDir);
    const closed = this.wall.hasUserWall ? closedAncestor(this.buildDir) : undefined;
    if (closed) {
      const why = `${closed} is closed to other users (chmod o+x it, or put the kit elsewhere)`;
      if (this.opts.requireWall) throw new UsageError(`the sandbox users could not read their compiled code: ${why}`);
      this.wall.dropUserWall(why);
    }
    // A student grading their own src/mr as themselves needs no word about the wall; whoever grades someone else's does.
    const ownCode = process.getuid?.() !== 0 && path.resolve(this.opts.impl) === path.join(this.kit, 'src', 'mr');
    if (!this.wall.hasUserWall && !ownCode)
      console.log(`test-mr: ${this.wall.describe()}; grade untrusted code as root or in a container`);
    else if (!this.wall.hasCgroups) console.log(`test-mr: ${this.wall.describe()}`);
    if (this.opts.tests.some(isStrict) && !otherFileSystem(this.base)) {
      console.log(
        "test-mr: no tmpfs here: the extended tests give your processes a $TMPDIR on the job's own file system, not on another one",
      );
    }
    this.build = await buildImpl(
      this.kit,
      this.opts.impl,
      this.buildDir,
      this.registry,
      BUILD_LIMIT_MS * this.opts.timeoutScale,
      this.wall.gid,
    );
    summary.build = { ok: this.build.ok, message: this.build.message, changedProvided: this.build.changedProvided };
    for (const file of this.build.changedProvided) {
      console.log(
        `test-mr: your ${file} differs from the kit's: graded with the kit's copy (provided files are not yours to change)`,
      );
    }

    if (!this.build.ok) {
      console.log(chalk.red.bold(`*** Cannot build ${this.opts.impl}:`));
      console.log(this.build.message);
      const tests = this.opts.tests.map((id) => {
        const result: TestResult = {
          id,
          name: DISPLAY_NAMES[id],
          run: 1,
          passed: false,
          durationMs: 0,
          notes: ['the implementation did not compile (see the compiler messages)'],
        };
        console.log(`--- ${DISPLAY_NAMES[id]} test: ${chalk.red('FAIL')} (did not compile)`);
        return result;
      });
      summary.runs.push({ run: 1, seed: this.opts.seed, durationMs: 0, tests });
    } else {
      const ctx = await this.prepare();
      await this.runAll(ctx); // each run adds itself to summary.runs as it starts
      summary.runs.sort((a, b) => a.run - b.run);
    }

    summary.durationMs = Date.now() - t0;
    summary.graderPeakRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
    summary.wall = this.wall.describe(); // now with the user ids it took
    summary.passed = summary.runs.every((r) => r.tests.every((t) => t.passed));
    if (this.many) {
      console.log('');
      for (const line of manyTable(summary)) console.log(line);
    }
    console.log(summary.passed ? chalk.green.bold('*** PASSED ALL TESTS') : chalk.red.bold('*** FAILED SOME TESTS'));
    return summary;
  }

  /** Copies the inputs into the run folder and computes the expected outputs with mrsequential. */
  private async prepare(): Promise<Omit<RunContext, 'seed' | 'lane'>> {
    const base = this.base!;
    const inputsDir = path.join(base, 'inputs');
    fs.mkdirSync(inputsDir, { mode: 0o755 });
    fs.chmodSync(inputsDir, 0o755); // every job reads them; none may change them
    const names = this.opts.inputs.map((file) => path.basename(file));
    if (new Set(names).size !== names.length) throw new Error('two input files have the same name');
    this.opts.inputs.forEach((file, i) => {
      fs.copyFileSync(file, path.join(inputsDir, names[i]));
      fs.chmodSync(path.join(inputsDir, names[i]), 0o644);
    });
    const inputs = names.map((n) => `../inputs/${n}`);

    const apps = [...new Set(this.opts.tests.map((id) => EXPECTED_APP[id]).filter((a): a is string => !!a))];
    const expected = new Map<string, string[]>();
    await Promise.all(
      apps.map(async (app) => {
        const dir = path.join(base, `sequential-${app}`);
        fs.mkdirSync(dir);
        const proc = this.registry.spawn({
          role: `mrsequential ${app}`,
          command: process.execPath,
          args: [driver(this.build!, 'mrsequential'), app, ...inputs],
          cwd: dir,
          limitMs: SEQUENTIAL_LIMIT_MS * this.opts.timeoutScale,
          echo: false,
          capture: true,
        });
        await proc.exited;
        if (proc.exit!.code !== 0) {
          throw new Error(`mrsequential ${app} ${proc.describeExit()}: ${proc.output().trim().split('\n')[0] ?? ''}`);
        }
        expected.set(app, sortedLines(fs.readFileSync(path.join(dir, 'mr-out-0'), 'utf8')));
        fs.rmSync(dir, { recursive: true, force: true });
      }),
    );
    return {
      build: this.build!,
      registry: this.registry,
      inputs,
      expected,
      quiet: this.opts.quiet || this.opts.parallel > 1,
      scale: this.opts.timeoutScale,
      scratch: this.scratch,
      wall: this.wall,
      impl: this.opts.impl,
    };
  }

  /** Runs the suite once, or --many times with --parallel at once. */
  private async runAll(shared: Omit<RunContext, 'seed' | 'lane'>): Promise<RunResult[]> {
    const results: RunResult[] = [];
    let next = 1;
    const lane = async (_: unknown, laneIndex: number): Promise<void> => {
      while (next <= this.opts.many) {
        const run = next++;
        const seed = this.many ? `${this.opts.seed}.${run}` : this.opts.seed;
        const result = await this.runSuite({ ...shared, seed, lane: laneIndex }, run);
        results.push(result);
        if (this.many) {
          const ok = result.tests.every((t) => t.passed);
          const text = `[run ${run}] ${ok ? '*** PASSED ALL TESTS' : '*** FAILED SOME TESTS'} (${(result.durationMs / 1000).toFixed(1)} s)`;
          console.log(ok ? chalk.green(text) : chalk.red(text));
        }
      }
    };
    await Promise.all(Array.from({ length: this.opts.parallel }, lane));
    return results.sort((a, b) => a.run - b.run);
  }

  private async runSuite(ctx: RunContext, run: number): Promise<RunResult> {
    const t0 = Date.now();
    const result: RunResult = { run, seed: ctx.seed, durationMs: 0, tests: [] };
    this.summary?.runs.push(result); // so far, for onProgress
    let n = 0;
    for (const id of this.opts.tests) {
      result.tests.push(await this.runTest(ctx, id, run, ++n));
      result.durationMs = Date.now() - t0;
      if (this.summary) this.onProgress?.(this.summary);
    }
    return result;
  }

  private async runTest(ctx: RunContext, id: TestId, run: number, n: number): Promise<TestResult> {
    const name = DISPLAY_NAMES[id];
    const prefix = this.many ? `[run ${run}] ` : '';
    if (this.opts.parallel === 1) console.log(chalk.bold(`${prefix}*** Starting ${name} test.`));

    const dir = path.join(this.base!, `${this.many ? `run${run}-` : ''}${n}-${id}`);
    fs.mkdirSync(dir);
    const t0 = Date.now();
    const job = new Job(ctx, dir, spec(id).limitMs * ctx.scale, id === 'crash', isStrict(id));
    const result: TestResult = { id, name, run, passed: false, durationMs: 0, notes: [] };
    try {
      await spec(id).run(job);
      result.passed = true;
    } catch (err) {
      if (err instanceof TestSkipped) {
        result.passed = true;
        result.skipped = err.message;
      } else if (err instanceof TestFailure) result.notes = err.notes;
      else if (err instanceof OutputTooLarge) result.notes = [err.message];
      else result.notes = [`grader error: ${(err as Error).stack ?? err}`];
    } finally {
      job.breakBudgetIfOver(); // a last measure, for what was done since the monitor's
      await job.stop();
    }
    // The exact invariants: the extended and challenge tiers fail on a broken one, the course's tests keep their verdict and note it.
    if (result.passed && !result.skipped && !job.overBudget) {
      const breaks = invariantBreaks(job);
      if (breaks.length && isStrict(id)) {
        result.passed = false;
        result.notes = breaks;
      } else {
        result.notes = breaks.map((b) => `note: ${b}`);
      }
    }
    if (!result.passed && job.foreignTmp && job.procs.some((p) => p.tail().some((l) => l.includes('EXDEV')))) {
      result.notes.push(
        'hint: a rename failed with EXDEV (cross-device): here, as on many machines, $TMPDIR (os.tmpdir()) is on another file system ' +
          "than the job's folder, and rename cannot move a file between file systems; make temporary files in the job's folder (the current directory)",
      );
    }
    // A broken budget is the cause, whatever the test saw after it ended the job.
    if (job.overBudget) result.passed = false;
    if (job.overBudget) result.notes = [job.overBudget, ...result.notes.map((n) => `(then: ${n})`).slice(0, 1)];
    result.durationMs = Date.now() - t0;
    if (id === 'crash') result.seed = ctx.seed;

    if (!result.passed || this.opts.keep || this.opts.trace) {
      // As the course leaves them in mr-tmp: the expected and the merged actual output.
      const app = EXPECTED_APP[id];
      // Debugging aids: timeline.html, merged-log.html, merged.log (never fail the test).
      try {
        if (app) job.artifact(`mr-correct-${id}.txt`, ctx.expected.get(app) ?? []);
        job.artifact(`mr-${id}-all`, readOutput(dir).lines);
        writeArtifacts(dir, job.artifacts);
        const title = `${prefix}${name} test`;
        writeTimeline(dir, timelineData(job, title, result.passed, result.notes));
        writeMergedLog(job, title);
      } catch (err) {
        console.error(`${prefix}    (could not write the timeline or merged log: ${(err as Error).message})`);
      }
      this.kept.add(dir);
      result.dir = dir;
      // The kept folder holds the expected output: later tests' processes (the same sandbox user) must not read it.
      if (this.wall.hasUserWall) {
        fs.chownSync(dir, process.getuid!(), process.getgid!());
        fs.chmodSync(dir, 0o700);
      }
    } else {
      fs.rmSync(dir, { recursive: true, force: true });
    }

    const verdict = result.skipped ? chalk.yellow('SKIP') : result.passed ? chalk.green('PASS') : chalk.red('FAIL');
    startLine();
    console.log(`${prefix}--- ${name} test: ${verdict}`);
    if (result.skipped) console.log(`${prefix}    ${result.skipped}`);
    for (const note of result.notes) console.log(`${prefix}    ${note}`); // a passed course test may carry notes
    if (!result.passed) {
      if (id === 'crash') {
        const impl = path.relative(process.cwd(), this.opts.impl) || '.';
        console.log(
          `${prefix}    crash seed ${ctx.seed}; to replay: npm run test-mr -- --only crash --seed ${ctx.seed}` +
            (path.resolve(this.opts.impl) === path.join(this.kit, 'src', 'mr') ? '' : ` --impl ${impl}`),
        );
      }
      console.log(`${prefix}    artifacts: ${dir}`);
    } else if (result.dir) {
      // --keep or --trace: say where the kept folder and its timeline are.
      console.log(`${prefix}    kept: ${dir} (timeline: ${path.join(dir, 'timeline.html')})`);
    }
    return result;
  }

  /**
   * Kills every process group still running and removes what the grader
   * made, except the folders of failed tests (and their inputs). Synchronous,
   * so that signal and exit handlers can call it.
   */
  cleanup(): void {
    if (this.cleaned) return;
    this.cleaned = true;
    this.registry.close();
    this.wall.close(); // every process of the student's side, forked and detached ones too
    this.scratch.removeAll(); // the build folder too
    const buildRoot = path.join(this.kit, '.mr-build');
    try {
      fs.rmdirSync(buildRoot); // only if no other grader is using it
    } catch {
      // not empty, or gone
    }
    if (this.base) {
      if (this.kept.size === 0) {
        fs.rmSync(this.base, { recursive: true, force: true });
      } else {
        for (const name of fs.readdirSync(this.base)) {
          const entry = path.join(this.base, name);
          if (name !== 'inputs' && !this.kept.has(entry)) fs.rmSync(entry, { recursive: true, force: true });
        }
      }
    }
  }
}
