// One test's MapReduce job: its directory (the workers' cwd), its private
// endpoint, the coordinator and workers it starts, and the ways a test
// waits for them. Every wait fails fast with a clear message when the job
// cannot finish any more, instead of sitting out the time limit. The job's
// processes run in a cell of the wall (sandbox/cell.ts): a budget they break ends
// them all, and the test fails with that reason. Its helpers hold their own
// state: its private folders (job-folders.ts), its budgets (budget-watch.ts),
// the challenge workers' local disks (local-disks.ts), the crash test's
// restart loops (restart-loops.ts); and when it is stuck is stuck-job.ts's.

import * as path from 'path';
import { studentPaths } from '../../../core/build';
import { fail } from '../../../core/outcome';
import { indent } from './describe';
import { baseEnv, driver } from './drivers';
import { BudgetWatch } from './budget-watch';
import { acceptingOnHost } from './host-probe';
import { JobFolders } from './job-folders';
import type { JobOptions, RunContext, WorkerOptions } from './job-options';
import { LocalDisk, LocalDisks } from './local-disks';
import { RestartLoops } from './restart-loops';
import { failIfOrphaned, ORPHAN_GRACE_MS } from './orphans';
import { failIfStuck } from './stuck-job';
import { fmtSeconds, Proc, sleep } from '../../../core/processes';
import type { Cell } from '../../../sandbox/cell';
import { waitUntilAccepting } from '../../../../src/kit/endpoint';

const LISTEN_LIMIT_MS = 15_000; // a coordinator must accept connections this soon
const STALL_GRACE_MS = 5_000; // the job counts as stuck after this long with no way to finish

export class Job {
  readonly procs: Proc[] = [];
  readonly workers: Proc[] = [];
  coordinator?: Proc;
  /** Where the coordinator serves: a unix socket in a private folder, or a host's TCP address (two-hosts test). */
  endpoint: string;
  /** The network namespace ("host") the coordinator runs in, if it runs in one. */
  private coordinatorHost?: string;
  /** Its private folders: the endpoint's, the students' $TMPDIR, the forced schedules' gates. */
  readonly folders: JobFolders;
  readonly cell: Cell;
  /** The number of reduce tasks of the job last started (the course's 10 unless a test asks for another). */
  nReduce = 10;
  /** Its budgets, watched: the one its processes broke, if they did, is the test's failure. */
  readonly budget: BudgetWatch;
  /** The build's paths in a process's output, as the student knows them. */
  private readonly relabel: (text: string) => string;
  private stopped = false;
  private started = 0;
  /** Files written into the test's directory when it is kept: name -> lines. */
  readonly artifacts = new Map<string, string[]>();
  /** When the test started (the timeline's zero). */
  readonly startedAt = Date.now();
  /** Each worker's $MR_TRACE file (its map and reduce calls, for the timeline). */
  readonly traceFiles = new Map<Proc, string>();
  /** The crash test's restart loops, and which of them started each worker. */
  readonly restarts = new RestartLoops();
  /** The challenge track: each worker's local disk, and where it serves the others (src/mr/challenge.ts). */
  readonly disks: LocalDisks;
  /** Each process's time limit. */
  readonly limitMs: number;

  constructor(
    readonly ctx: RunContext,
    readonly dir: string,
    readonly options: JobOptions,
  ) {
    this.limitMs = options.limitMs;
    this.folders = new JobFolders(ctx.wall, ctx.scratch, dir, options.foreignTmp);
    this.endpoint = path.join(this.folders.sockDir, 'mr.sock');
    this.disks = new LocalDisks(this.folders.sockDir);
    this.cell = ctx.wall.cell(ctx.lane);
    this.relabel = studentPaths(ctx.build);
    for (const d of [dir, this.folders.sockDir, this.folders.tmp]) this.cell.own(d);
    this.budget = new BudgetWatch(this.cell, [dir, ...this.folders.measured()]);
  }

  artifact(name: string, lines: string[]): void {
    this.artifacts.set(name, lines);
  }

  /** Waits that are not process limits grow with --timeout-scale but never shrink. */
  scaled(ms: number): number {
    return ms * Math.max(1, this.ctx.scale);
  }

  expected(app: string): string[] {
    const lines = this.ctx.expected.get(app);
    if (!lines) throw new Error(`no expected output for ${app}`);
    return lines;
  }

  private start(
    role: string,
    logName: string,
    script: string,
    args: string[],
    env: NodeJS.ProcessEnv,
    netns?: string,
  ): Proc {
    if (this.stopped) throw new Error('job already stopped');
    const proc = this.ctx.registry.spawn({
      role,
      command: process.execPath,
      args: ['--enable-source-maps', script, ...args], // stack traces name the student's .ts lines
      cwd: this.dir,
      env: this.cell.env(env, this.folders.tmp),
      limitMs: this.limitMs,
      logDir: this.dir,
      logName,
      echo: !this.ctx.quiet,
      cell: this.cell,
      netns,
      relabel: this.relabel,
      onFlood: (_proc, reason) => this.budget.break({ line: reason }),
    });
    this.procs.push(proc);
    return proc;
  }

  /**
   * Starts the coordinator over the run's inputs with the course's nReduce (10).
   * The extended tier's data tests give it other inputs (paths relative to the
   * test's folder) or another nReduce (mrcoordinator's --n-reduce). The
   * two-hosts test gives it a TCP endpoint on a host (a network namespace).
   */
  startCoordinator(
    job: { inputs?: string[]; nReduce?: number; endpoint?: string; host?: string; env?: Record<string, string> } = {},
  ): Proc {
    const env = { ...baseEnv(), ...job.env };
    this.nReduce = job.nReduce ?? 10;
    if (job.endpoint) this.endpoint = job.endpoint;
    this.coordinatorHost = job.host;
    this.coordinator = this.start(
      'coordinator',
      'coordinator',
      driver(this.ctx.build, 'mrcoordinator'),
      [
        '--endpoint',
        this.endpoint,
        ...(job.nReduce === undefined ? [] : ['--n-reduce', String(job.nReduce)]),
        ...(job.inputs ?? this.ctx.inputs),
      ],
      env,
      job.host,
    );
    return this.coordinator;
  }

  /**
   * Starts a worker of `app`; `extra` adds to its environment (a forced
   * schedule's $MR_HOLD). With `challenge`, in the challenge track's mode: on
   * a local disk of its own (a fresh folder outside the job's, which is the
   * shared one), serving the others on a socket there (or on `serveOn`).
   */
  startWorker(app: string, extra: Record<string, string> = {}, options: WorkerOptions = {}): Proc {
    const n = ++this.started;
    const env = { ...baseEnv(), ...extra };
    if (this.options.crashSeeds) env.MR_CRASH_SEED = `${this.ctx.seed}-${n}`;
    const trace = path.join(this.dir, `trace-${n}.jsonl`);
    env.MR_TRACE = trace;
    const disk: LocalDisk | undefined = options.challenge ? this.disks.make(n, options.serveOn) : undefined;
    const challenge = disk ? ['--challenge', '--local', disk.local, '--serve-on', disk.serveOn] : [];
    const proc = this.start(
      `worker ${n}`,
      'worker',
      driver(this.ctx.build, 'mrworker'),
      ['--endpoint', options.endpoint ?? this.endpoint, ...challenge, app],
      env,
      options.host,
    );
    this.workers.push(proc);
    this.traceFiles.set(proc, trace);
    if (disk) this.disks.add(proc, disk);
    return proc;
  }

  /** As the course's crash loops: start a worker again a second after each exit, while the coordinator runs. */
  restartLoop(app: string): void {
    this.restarts.add(
      () => !this.stopped && this.coordinator?.alive === true,
      () => this.startWorker(app),
    );
  }

  /** The usual start of a test: the coordinator, once it listens `workers` workers of `app`; returns the workers. */
  async startJob(app: string, workers: number): Promise<Proc[]> {
    this.startCoordinator();
    await this.waitListening();
    return Array.from({ length: workers }, () => this.startWorker(app));
  }

  /** Waits until the coordinator accepts connections on its endpoint (instead of the course's sleep 1). */
  async waitListening(): Promise<void> {
    const c = this.mustHaveCoordinator();
    const limit = this.scaled(LISTEN_LIMIT_MS);
    const accepting = this.coordinatorHost
      ? await acceptingOnHost(this.ctx.registry, this.coordinatorHost, this.endpoint, limit, () => c.alive)
      : await waitUntilAccepting(this.endpoint, limit, { alive: () => c.alive });
    if (accepting) return;
    if (!c.alive) {
      fail(
        `the coordinator (pid ${c.pid}) ${c.describeExit()} before it listened on its endpoint`,
        ...indent(c.tail()),
      );
    }
    fail(
      `the coordinator (pid ${c.pid}) did not listen on ${this.endpoint} within ${fmtSeconds(this.scaled(LISTEN_LIMIT_MS))}`,
    );
  }

  /**
   * Waits for the coordinator to exit, as the course's `wait $pid`. Fails
   * when it runs past its limit, exits with an error, or the job is stuck:
   * every worker has gone (or, in the crash test, the latest workers all
   * exited normally) and the coordinator is still running a few seconds later;
   * or a dead worker's task was never handed out again. A test may watch for a
   * cause of its own that makes the job unable to finish (`watch`).
   */
  async waitCoordinator(watch?: () => string | undefined): Promise<void> {
    const c = this.mustHaveCoordinator();
    const grace = this.scaled(STALL_GRACE_MS);
    for (;;) {
      if (!c.alive) return this.checkCoordinatorExit();
      failIfStuck(c, this.workers, this.restarts.any, grace);
      failIfOrphaned(this, this.scaled(ORPHAN_GRACE_MS));
      const cause = watch?.();
      if (cause) fail(cause);
      await Promise.race([c.exited, sleep(200)]);
    }
  }

  private checkCoordinatorExit(): void {
    const c = this.coordinator!;
    if (c.timedOut) fail(`the job did not finish: the coordinator (pid ${c.pid}) ${c.describeExit()}`);
    if (c.exit!.code !== 0) {
      fail(`the coordinator (pid ${c.pid}) ${c.describeExit()}; its last output:`, ...indent(c.tail()));
    }
  }

  /** Waits for a "foreground" worker to exit. */
  async waitFor(proc: Proc): Promise<void> {
    await proc.exited;
    if (proc.timedOut) fail(`${proc.role} (pid ${proc.pid}) ${proc.describeExit()}`);
  }

  /** Resolves with the first of the job's processes to exit. */
  async firstExit(): Promise<Proc> {
    return Promise.race(this.procs.map((p) => p.exited.then(() => p)));
  }

  /**
   * After a passing check: every process must end by itself within a bound
   * (the course never checks that workers exit; we do), and the coordinator
   * must exit with status 0.
   */
  async settle(boundMs = 10_000): Promise<void> {
    const deadline = Date.now() + this.scaled(boundMs);
    while (Date.now() < deadline) {
      const alive = this.procs.filter((p) => p.alive);
      if (alive.length === 0) break;
      await Promise.race([Promise.all(alive.map((p) => p.exited)), sleep(Math.max(0, deadline - Date.now()))]);
      await sleep(10); // let the restart loops notice
    }
    const alive = this.procs.filter((p) => p.alive);
    if (alive.length) {
      fail(
        `${alive.map((p) => `${p.role} (pid ${p.pid})`).join(', ')} still running ` +
          `${fmtSeconds(this.scaled(boundMs))} after the job finished: every process must exit when the job is done`,
      );
    }
    if (this.coordinator) this.checkCoordinatorExit();
    const late = this.procs.find((p) => p.timedOut);
    if (late) fail(`${late.role} (pid ${late.pid}) ${late.describeExit()}`);
  }

  /** Ends everything the job started and waits until it has gone; removes the endpoint's folder. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.budget.stop();
    for (const p of this.procs) p.kill('end of test');
    await Promise.all(this.procs.map((p) => p.exited));
    await this.restarts.ended();
    for (const p of this.procs) p.kill('end of test'); // a loop may have started one more
    this.cell.close(); // and whatever they forked, detached or not
    await Promise.all(this.procs.map((p) => p.exited));
    this.folders.remove();
  }

  private mustHaveCoordinator(): Proc {
    if (!this.coordinator) throw new Error('no coordinator started');
    return this.coordinator;
  }
}
