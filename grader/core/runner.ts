// The run loop: builds the implementation, lets the lab prepare what every
// test shares, then runs the selected tests (once, or --many times with
// --parallel at once; a lab in virtual time runs several tests of one run at
// once), each to a typed outcome, telling the reporters as it goes. It knows no lab: what a test needs it reads from the lab's manifest
// and the test's spec. Nothing the student's side writes is read back as a
// verdict.

import * as fs from 'fs';
import * as path from 'path';
import { buildImpl, makeBuildDir } from './build';
import type { Entry } from './catalog';
import { broadcast, Reporter } from './events';
import type { Lab, RunSetup, TestRun } from './lab';
import type { Options } from './options';
import { notesOf, outcomeOf } from './outcome';
import { identity, resultOf, runOneTest } from './one-test';
import { Lanes, runOnce, runSuites, TestSlot } from './lanes';
import { Registry } from './processes';
import { replayCommand } from './replay';
import type { Summary, TestResult } from './summary';
import { UsageError } from '../../src/kit/args';
import { ScratchFolders } from '../sandbox/scratch';
import { closedAncestor, Wall } from '../sandbox/wall';

const BUILD_LIMIT_MS = 180_000;

export class Runner {
  readonly registry = new Registry();
  readonly wall: Wall;
  private readonly lab: Lab;
  private readonly scratch: ScratchFolders;
  private readonly kept = new Set<string>();
  private readonly startedAt = new Date();
  private base?: string; // <tmp>/<lab>-grade-XXXX: what the lab prepares, and one folder per test
  private cleaned = false;
  /** Set when a signal ends the grader: errors of code still running then are expected. */
  stopping = false;

  constructor(
    readonly kit: string,
    readonly opts: Options,
    private readonly reporters: readonly Reporter[],
  ) {
    this.lab = opts.lab;
    this.wall = new Wall(opts.budgets, path.join(__dirname, '..', 'sandbox', 'watchdog.js'));
    this.scratch = new ScratchFolders((message) => this.wall.tell(message));
  }

  private get many(): boolean {
    return this.opts.many > 1;
  }

  /** The lab's options a replay command repeats. */
  private get replayFlags(): string[] {
    return this.lab.replayFlags?.(this.opts.labOptions) ?? [];
  }

  private notice(line: string): void {
    broadcast(this.reporters, 'notice', line);
  }

  /** Runs everything; returns the summary (the caller picks the exit status). */
  async run(): Promise<Summary> {
    const t0 = Date.now();
    const summary: Summary = {
      lab: this.lab.id,
      kit: this.kit,
      impl: this.opts.impl,
      seed: this.opts.seed,
      startedAt: this.startedAt.toISOString(),
      durationMs: 0,
      build: { ok: false, message: '' },
      runs: [],
      pids: this.registry.pids,
      passed: false,
      harnessError: false,
      wall: this.wall.describe(),
    };
    const tests = this.opts.tests.map((e) => e.id);
    broadcast(this.reporters, 'runStart', {
      lab: this.lab,
      summary,
      tests,
      many: this.opts.many,
      parallel: this.opts.parallel,
    });
    this.base = fs.mkdtempSync(path.join(this.wall.tmpdir(), `${this.lab.id}-grade-`));
    fs.chmodSync(this.base, 0o711); // the sandbox users pass through to their own test folders, and list nothing
    const buildDir = makeBuildDir(this.kit);
    this.scratch.add(buildDir);
    this.checkWall(buildDir);

    const build = await buildImpl({
      kit: this.kit,
      lab: this.lab,
      impl: this.opts.impl,
      dir: buildDir,
      registry: this.registry,
      limitMs: BUILD_LIMIT_MS * this.opts.timeoutScale,
      sandboxGid: this.wall.gid,
      label: this.opts.implLabel,
    });
    summary.build = { ok: build.ok, message: build.message, changedProvided: build.changedProvided };
    for (const file of build.changedProvided) {
      this.notice(
        `your ${file} differs from the kit's: graded with the kit's copy (provided files are not yours to change)`,
      );
    }
    if (!build.ok) {
      summary.runs.push({
        run: 1,
        seed: this.opts.seed,
        durationMs: 0,
        tests: this.opts.tests.map((e) => this.unbuilt(e)),
      });
      broadcast(this.reporters, 'buildFailed', summary);
    } else {
      const setup: RunSetup = {
        kit: this.kit,
        base: this.base,
        build,
        registry: this.registry,
        wall: this.wall,
        scratch: this.scratch,
        options: this.opts.labOptions,
        timeoutScale: this.opts.timeoutScale,
        tests: this.opts.tests.map((e) => e.spec),
        strict: this.opts.tests.some((e) => e.tier.strict === true),
        notice: (line) => this.notice(line),
      };
      const prepared = await this.prepare(setup, summary);
      if (prepared.ok) await this.runAll(summary, setup, prepared.value);
    }

    summary.durationMs = Date.now() - t0;
    summary.graderPeakRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
    summary.wall = this.wall.describe(); // now with the user ids it took
    const all = summary.runs.flatMap((r) => r.tests);
    summary.passed = all.every((t) => t.passed);
    summary.harnessError = all.some((t) => t.status === 'error');
    return summary;
  }

  /**
   * The lab's preparation of what every test shares. When it breaks, that is the grader's failure, not the
   * student's: every test is reported as a harness error (a UsageError is the machine's setup: one line, exit 2).
   */
  private async prepare(setup: RunSetup, summary: Summary): Promise<{ ok: true; value: unknown } | { ok: false }> {
    try {
      return { ok: true, value: await this.lab.prepare(setup) };
    } catch (err) {
      if (err instanceof UsageError) throw err;
      const outcome = outcomeOf(err);
      const notes = notesOf(outcome.status === 'error' ? outcome : { status: 'error', message: String(err) });
      const tests = this.opts.tests.map((e) => ({
        ...identity(e, 1),
        status: 'error' as const,
        passed: false,
        durationMs: 0,
        notes,
      }));
      summary.runs.push({ run: 1, seed: this.opts.seed, durationMs: 0, tests });
      for (const result of tests) broadcast(this.reporters, 'testEnd', { summary, result });
      return { ok: false };
    }
  }

  /** Says when the wall is weak here; gives up the user-id wall when the sandbox users could not read their code. */
  private checkWall(buildDir: string): void {
    const closed = this.wall.hasUserWall ? closedAncestor(buildDir) : undefined;
    if (closed) {
      const why = `${closed} is closed to other users (chmod o+x it, or put the kit elsewhere)`;
      if (this.opts.requireWall) throw new UsageError(`the sandbox users could not read their compiled code: ${why}`);
      this.wall.dropUserWall(why);
    }
    // A student grading their own folder as themselves needs no word about the wall; whoever grades someone else's does.
    const ownCode =
      process.getuid?.() !== 0 && path.resolve(this.opts.impl) === path.join(this.kit, this.lab.student.dir);
    if (!this.wall.hasUserWall && !ownCode)
      this.notice(`${this.wall.describe()}; grade untrusted code as root or in a container`);
    else if (!this.wall.hasCgroups) this.notice(this.wall.describe());
  }

  /** A test that could not run because the build failed: the student's failure. */
  private unbuilt(entry: Entry): TestResult {
    return {
      ...identity(entry, 1),
      status: 'failed',
      passed: false,
      durationMs: 0,
      notes: ['the implementation did not compile (see the compiler messages)'],
    };
  }

  /** Runs the suite once, or --many times (lanes.ts). */
  private async runAll(summary: Summary, setup: RunSetup, prepared: unknown): Promise<void> {
    const lanes: Lanes = {
      tests: this.opts.tests,
      many: this.opts.many,
      parallel: this.opts.parallel,
      seed: this.opts.seed,
      summary,
      reporters: this.reporters,
      runTest: (t) => this.runTest({ setup, prepared, ...t }),
    };
    await (this.many ? runSuites(lanes) : runOnce(lanes));
  }

  private async runTest(t: TestSlot & { setup: RunSetup; prepared: unknown }): Promise<TestResult> {
    const { entry, run } = t;
    const dir = path.join(this.base!, `${this.many ? `run${run}-` : ''}${t.n}-${entry.spec.id}`);
    fs.mkdirSync(dir);
    const test: TestRun = {
      setup: t.setup,
      prepared: t.prepared,
      spec: entry.spec,
      dir,
      seed: t.seed,
      run,
      runs: this.opts.many,
      lane: t.lane,
      strict: entry.tier.strict === true,
      quiet: this.opts.quiet || (this.many && this.opts.parallel > 1),
      print: t.print,
      impl: this.opts.impl,
    };
    const t0 = Date.now();
    const { outcome, harness } = await runOneTest(this.lab, test);
    const result = resultOf(entry, run, outcome, Date.now() - t0);
    if (entry.spec.replay) {
      result.seed = t.seed;
      result.replay = {
        label: entry.spec.replay,
        command: replayCommand(this.kit, this.lab, entry.spec.id, t.seed, this.opts.impl, this.replayFlags),
      };
    }
    if (result.status !== 'passed' || this.opts.keep || this.opts.trace) this.keep(harness, test, result);
    else fs.rmSync(dir, { recursive: true, force: true });
    return result;
  }

  /** Keeps a test's folder with the lab's debugging aids in it, closed to the student's side. */
  private keep(harness: unknown, test: TestRun, result: TestResult): void {
    if (harness !== undefined) {
      try {
        this.lab.keep?.(harness, test, result);
      } catch (err) {
        this.notice(`(could not write the debugging aids of ${result.name}: ${(err as Error).message})`);
      }
    }
    this.kept.add(test.dir);
    result.dir = test.dir;
    // The kept folder may hold expected answers: later tests' processes (the same sandbox user) must not read it.
    if (this.wall.hasUserWall) {
      fs.chownSync(test.dir, process.getuid!(), process.getgid!());
      fs.chmodSync(test.dir, 0o700);
    }
  }

  /**
   * Kills every process group still running and removes what the grader
   * made, except the folders of tests it kept. Synchronous, so that signal
   * and exit handlers can call it.
   */
  cleanup(): void {
    if (this.cleaned) return;
    this.cleaned = true;
    this.registry.close();
    this.wall.close(); // every process of the student's side, forked and detached ones too
    this.scratch.removeAll(); // the build folder too
    try {
      fs.rmdirSync(path.join(this.kit, '.mr-build')); // only if no other grader is using it
    } catch {
      // not empty, or gone
    }
    if (!this.base) return;
    if (this.kept.size === 0) {
      fs.rmSync(this.base, { recursive: true, force: true });
      return;
    }
    for (const name of fs.readdirSync(this.base)) {
      const entry = path.join(this.base, name);
      if (!this.kept.has(entry) && !this.lab.keptWith?.includes(name))
        fs.rmSync(entry, { recursive: true, force: true });
    }
  }
}
