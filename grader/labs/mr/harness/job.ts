// One test's MapReduce job: its directory (the workers' cwd), its private
// endpoint, the coordinator and workers it starts, and the ways a test
// waits for them. Every wait fails fast with a clear message when the job
// cannot finish any more, instead of sitting out the time limit. The job's
// processes run in a cell of the wall (sandbox/cell.ts): a budget they break ends
// them all, and the test fails with that reason.

import * as fs from 'fs';
import * as path from 'path';
import { Build, studentPaths } from '../../../core/build';
import { fail } from '../../../core/outcome';
import { indent } from './describe';
import { driver } from './drivers';
import { fmtSeconds, Proc, Registry, sleep } from '../../../core/processes';
import { Cell } from '../../../sandbox/cell';
import { Wall } from '../../../sandbox/wall';
import { ScratchFolders } from '../../../sandbox/scratch';
import { NETNS_DIR, NSENTER } from '../../../sandbox/netns';
import { waitUntilAccepting } from '../../../../src/kit/endpoint';

/** What every test of one run shares. */
export interface RunContext {
  build: Build;
  registry: Registry;
  inputs: string[]; // as passed to the apps: ../inputs/<name>, relative to a test dir
  expected: Map<string, string[]>; // app -> mrsequential's output, sorted
  quiet: boolean;
  scale: number;
  seed: string; // this run's seed (the crash app's seeds come from it)
  scratch: ScratchFolders; // removed by the grader (or its watchdog) whatever happens
  wall: Wall;
  lane: number; // which of the --parallel lanes runs this test (each has its own sandbox user id)
  impl: string; // the implementation's folder, to name its files in diagnoses
}

const LISTEN_LIMIT_MS = 15_000; // a coordinator must accept connections this soon
const STALL_GRACE_MS = 5_000; // the job counts as stuck after this long with no way to finish
const BUDGET_CHECK_MS = 500; // how often the disk and memory budgets are measured

export class Job {
  readonly procs: Proc[] = [];
  readonly workers: Proc[] = [];
  coordinator?: Proc;
  /** Where the coordinator serves: a unix socket in a private folder, or a host's TCP address (two-hosts test). */
  endpoint: string;
  /** The network namespace ("host") the coordinator runs in, if it runs in one. */
  private coordinatorHost?: string;
  private readonly sockDir: string;
  /** The students' temporary folder ($TMPDIR, $HOME) of this job: theirs to write, measured, removed. */
  private readonly tmp: string;
  readonly cell: Cell;
  /** The number of reduce tasks of the job last started (the course's 10 unless a test asks for another). */
  nReduce = 10;
  /** The budget the job's processes broke, if they did: the test fails with it. */
  overBudget?: string;
  private readonly monitor: NodeJS.Timeout;
  /** The build's paths in a process's output, as the student knows them. */
  private readonly relabel: (text: string) => string;
  private readonly loops: Promise<void>[] = [];
  private stopped = false;
  private started = 0;
  /** Files written into the test's directory when it is kept: name -> lines. */
  readonly artifacts = new Map<string, string[]>();
  /** When the test started (the timeline's zero). */
  readonly startedAt = Date.now();
  /** Each worker's $MR_TRACE file (its map and reduce calls, for the timeline). */
  readonly traceFiles = new Map<Proc, string>();
  /** The folder where a forced schedule arms holds ($MR_GATES): the grader's, readable by the job's processes. */
  private gates?: string;
  /** Workers started by a restart loop (crash test): which loop, 1-based. */
  readonly restartedBy = new Map<Proc, number>();
  /** The challenge track: each worker's local disk, and where it serves the others (src/mr/challenge.ts). */
  readonly disks = new Map<Proc, LocalDisk>();
  /** $TMPDIR is on another file system than the job's folder (a tmpfs), as on many students' machines. */
  readonly foreignTmp: boolean;
  /** Each process's time limit. */
  readonly limitMs: number;

  constructor(
    readonly ctx: RunContext,
    readonly dir: string,
    readonly options: JobOptions,
  ) {
    this.limitMs = options.limitMs;
    this.sockDir = privateSocketDir(ctx.wall.tmpdir());
    this.endpoint = path.join(this.sockDir, 'mr.sock');
    ctx.scratch.add(this.sockDir);
    const elsewhere = options.foreignTmp ? otherFileSystem(dir) : undefined;
    this.foreignTmp = elsewhere !== undefined;
    this.tmp = elsewhere ? fs.mkdtempSync(path.join(elsewhere, 'mr-tmp-')) : path.join(this.sockDir, 'tmp');
    if (elsewhere) ctx.scratch.add(this.tmp);
    else fs.mkdirSync(this.tmp);
    this.cell = ctx.wall.cell(ctx.lane);
    this.relabel = studentPaths(ctx.build);
    for (const d of [dir, this.sockDir, this.tmp]) this.cell.own(d);
    this.monitor = setInterval(() => this.breakBudgetIfOver(), BUDGET_CHECK_MS);
  }

  /** Measures the budgets once more now. */
  breakBudgetIfOver(): void {
    const reason = this.cell.overBudget([this.dir, this.sockDir, ...(this.foreignTmp ? [this.tmp] : [])]);
    if (reason) this.breakBudget(reason);
  }

  /** Ends every process of the job at once; the test fails with `reason`. */
  breakBudget(reason: string): void {
    if (this.overBudget) return;
    this.overBudget = reason;
    this.cell.kill();
  }

  /** The job's $MR_GATES folder (made on first use; see src/main/holds.ts). */
  gateDir(): string {
    if (!this.gates) {
      this.gates = fs.mkdtempSync(path.join(this.ctx.wall.tmpdir(), 'mrg-'));
      fs.chmodSync(this.gates, 0o755); // only the grader writes here; the workers look
      this.ctx.scratch.add(this.gates);
    }
    return this.gates;
  }

  artifact(name: string, lines: string[]): void {
    this.artifacts.set(name, lines);
  }

  /** Waits that are not process limits grow with --timeout-scale but never shrink. */
  private scaled(ms: number): number {
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
      env: this.cell.env(env, this.tmp),
      limitMs: this.limitMs,
      logDir: this.dir,
      logName,
      echo: !this.ctx.quiet,
      cell: this.cell,
      netns,
      relabel: this.relabel,
      onFlood: (_proc, reason) => this.breakBudget(reason),
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
    let disk: LocalDisk | undefined;
    if (options.challenge) {
      const local = path.join(this.sockDir, `disk-${n}`); // short: its socket's path must fit
      disk = { local, serveOn: options.serveOn ?? path.join(local, 'worker.sock') };
    }
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
    if (disk) this.disks.set(proc, disk);
    return proc;
  }

  /** The worker serving the others at `address` (the challenge track), if one does. */
  workerAt(address: string): Proc | undefined {
    for (const [proc, disk] of this.disks) if (disk.serveOn === address) return proc;
    return undefined;
  }

  /** As the course's crash loops: start a worker again a second after each exit, while the coordinator runs. */
  restartLoop(app: string): void {
    const loop = this.loops.length + 1;
    this.loops.push(
      (async () => {
        while (!this.stopped && this.coordinator?.alive) {
          const w = this.startWorker(app);
          this.restartedBy.set(w, loop);
          await w.exited;
          await sleep(1000);
        }
      })(),
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
   * exited normally) and the coordinator is still running a few seconds later.
   */
  async waitCoordinator(): Promise<void> {
    const c = this.mustHaveCoordinator();
    const grace = this.scaled(STALL_GRACE_MS);
    for (;;) {
      if (!c.alive) return this.checkCoordinatorExit();
      const stuck = this.stuckSince();
      if (stuck && Date.now() - stuck.since > grace) {
        const broken = this.workers.find((w) => w.exit && w.exit.code !== 0);
        fail(
          `the job did not finish: ${stuck.why}, but the coordinator (pid ${c.pid}) was still running ${fmtSeconds(grace)} later`,
          ...(broken
            ? [
                `${broken.role} (pid ${broken.pid}) ${broken.describeExit()}; its last output:`,
                ...indent(broken.tail()),
              ]
            : []),
        );
      }
      await Promise.race([c.exited, sleep(200)]);
    }
  }

  /** When the job became unable to finish, if it has. */
  private stuckSince(): { since: number; why: string } | undefined {
    if (this.workers.length === 0) return undefined;
    if (this.loops.length === 0) {
      if (this.workers.some((w) => w.alive)) return undefined;
      const statuses = this.workers.map((w) => w.exit!.code ?? w.exit!.signal).join(', ');
      return {
        since: Math.max(...this.workers.map((w) => w.exit!.at)),
        why: `all ${this.workers.length} workers exited (statuses ${statuses})`,
      };
    }
    // Crash test: workers are restarted forever. Stuck means the last few
    // exits were all clean ones (status 0: "the job is done"), yet it isn't.
    const exits = this.workers.filter((w) => w.exit).sort((a, b) => a.exit!.at - b.exit!.at);
    const streak: Proc[] = [];
    for (let i = exits.length - 1; i >= 0 && exits[i].exit!.code === 0; i--) streak.unshift(exits[i]);
    if (streak.length < 3) return undefined;
    return {
      since: streak[0].exit!.at,
      why: `the last ${streak.length} workers exited with status 0 (${this.workers.length} started in all)`,
    };
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
    clearInterval(this.monitor);
    for (const p of this.procs) p.kill('end of test');
    await Promise.all(this.procs.map((p) => p.exited));
    await Promise.all(this.loops);
    for (const p of this.procs) p.kill('end of test'); // a loop may have started one more
    this.cell.close(); // and whatever they forked, detached or not
    await Promise.all(this.procs.map((p) => p.exited));
    for (const dir of [this.sockDir, this.gates, this.foreignTmp ? this.tmp : undefined]) {
      if (dir) this.ctx.scratch.remove(dir);
    }
  }

  private mustHaveCoordinator(): Proc {
    if (!this.coordinator) throw new Error('no coordinator started');
    return this.coordinator;
  }
}

/** How a job runs its processes. */
export interface JobOptions {
  /** Each process's time limit. */
  limitMs: number;
  /** Give each worker a crash seed of its own, drawn from the run's seed (the crash app reads it). */
  crashSeeds?: boolean;
  /** Give the processes a $TMPDIR on another file system than the job's folder, when there is one (the strict tiers). */
  foreignTmp?: boolean;
  /** A backup copy of a task may start before the 10 s reassignment (the invariants allow it). */
  allowsBackups?: boolean;
}

/** A challenge worker's local disk, and where it serves the others. */
export interface LocalDisk {
  local: string;
  serveOn: string;
}

export interface WorkerOptions {
  /** The challenge track's mode (mrworker --challenge), with a local disk the grader chose. */
  challenge?: boolean;
  /** Where a challenge worker serves the others (default: a socket on its local disk). */
  serveOn?: string;
  /** Where it finds the coordinator (default: the job's endpoint). */
  endpoint?: string;
  /** The network namespace ("host") it runs in (two-hosts test). */
  host?: string;
}

/**
 * Waits until a TCP endpoint ("host:port") accepts connections inside a
 * network namespace, which the grader's own cannot reach: a short probe
 * (the grader's, started by its registry) runs there, again and again,
 * until one connects or `limitMs` has passed.
 */
async function acceptingOnHost(
  registry: Registry,
  netns: string,
  endpoint: string,
  limitMs: number,
  alive: () => boolean,
): Promise<boolean> {
  const at = endpoint.lastIndexOf(':');
  const [host, port] = [endpoint.slice(0, at) || '127.0.0.1', Number(endpoint.slice(at + 1))];
  const probe =
    `const s = require('net').connect(${port}, ${JSON.stringify(host)});` +
    "s.on('connect', () => process.exit(0)); s.on('error', () => process.exit(1)); setTimeout(() => process.exit(1), 1000);";
  const deadline = Date.now() + limitMs;
  while (Date.now() < deadline && alive()) {
    const proc = registry.spawn({
      role: `probe of ${endpoint}`,
      command: NSENTER,
      args: [`--net=${path.join(NETNS_DIR, netns)}`, '--', process.execPath, '-e', probe],
      cwd: '/',
      limitMs: 3000,
      echo: false,
    });
    const exit = await proc.exited;
    if (exit.code === 0) return true;
    await sleep(200);
  }
  return false;
}

/** The environment of a job's processes: ours, minus what would steer them elsewhere. */
function baseEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.MR_ENDPOINT;
  delete env.MR_CRASH_SEED;
  delete env.MR_TRACE;
  delete env.MR_HOLD;
  delete env.MR_GATES;
  delete env.NODE_OPTIONS;
  return env;
}

/** Where a temporary folder on another file system than `dir` can be made: a tmpfs such as /dev/shm, if the machine has one. */
export function otherFileSystem(dir: string): string | undefined {
  for (const candidate of ['/dev/shm', '/run/shm']) {
    try {
      const st = fs.statSync(candidate);
      if (!st.isDirectory() || st.dev === fs.statSync(dir).dev) continue;
      fs.accessSync(candidate, fs.constants.W_OK | fs.constants.X_OK);
      return candidate;
    } catch {
      // not here, or not ours to write
    }
  }
  return undefined;
}

/** A fresh folder (mode 0700) for one endpoint; short enough for a unix socket path (< 100 bytes). */
function privateSocketDir(tmpdir: string): string {
  const dir = fs.mkdtempSync(path.join(tmpdir, 'mrs-'));
  if (path.join(dir, 'mr.sock').length < 100) return dir;
  fs.rmSync(dir, { recursive: true, force: true });
  return fs.mkdtempSync('/tmp/mrs-');
}
