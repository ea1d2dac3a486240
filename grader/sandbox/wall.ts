// The wall between the grader (trusted: the kit, the expected outputs, every
// verdict) and the student's code (everything a coordinator or worker runs).
//
// One Wall per grader process; one Cell per test. With root, each lane of
// tests runs its student processes under a user id of its own (61000 and up,
// taken with a lock file so that graders side by side never share one),
// which can write only its test's folders; in a cgroup per test (v2 where
// the machine has it, v1 controllers for budgets where it has those); with
// rlimits (file size, process count) and the OOM killer's preference. Without
// root: process groups, an environment marker and the watchdog, and the
// grader says so. A watchdog process (watchdog.ts) ends every process of the
// student's side when the grader dies, however it dies.

import { spawn, spawnSync, ChildProcess } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Budgets, formatBytes, leftovers, removeLeftovers, residentBytes, statusField, treeSize } from './budgets';
import { CgroupRoots, counter, makeCellGroups, makeCgroupRoots } from './cgroups';
import { findProcesses, MARKER_VAR, Quarry, reap, removeCgroups } from './reap';
import { NETNS_DIR, NSENTER } from './netns';
import { takeFreeUid } from './uids';

export class Wall {
  /** Whether student processes run under sandbox user ids: with root, unless the machine's folders forbid it. */
  private walled = process.getuid?.() === 0;
  /** Why there is no user-id wall although we have root. */
  private unwalledWhy?: string;
  private readonly setpriv = findTool('setpriv');
  private readonly prlimit = findTool('prlimit');
  /** `unshare --net`, where this machine lets us make network namespaces: student processes get no network. */
  private readonly unshareNet = this.walled ? canUnshareNet() : undefined;
  private readonly cgroups: CgroupRoots;
  private readonly laneUids = new Map<number, number>();
  private readonly locks: string[] = [];
  private watchdog?: ChildProcess;
  private cells = 0;
  /** Cells not closed yet (a grader interrupted mid-test closes them on its way out). */
  private readonly open = new Set<Cell>();
  private closed = false;

  constructor(
    readonly budgets: Budgets,
    watchdogScript?: string,
  ) {
    this.cgroups = process.getuid?.() === 0 ? makeCgroupRoots() : { v2Controllers: false };
    if (watchdogScript) this.startWatchdog(watchdogScript);
    if (this.walled) setOomScore(process.pid, -500); // the OOM killer takes a student's process first
  }

  /**
   * Where test folders and sockets go: the temporary folder, when the
   * sandbox users can pass through every folder above it; else /tmp.
   */
  tmpdir(): string {
    return this.walled && closedAncestor(path.join(os.tmpdir(), 'x')) ? '/tmp' : os.tmpdir();
  }

  /** True when each test's processes have a cgroup of their own. */
  get hasCgroups(): boolean {
    return !!(this.cgroups.v2 || this.cgroups.v1Memory || this.cgroups.v1Pids);
  }

  /** True when student processes run under sandbox user ids. */
  get hasUserWall(): boolean {
    return this.walled;
  }

  /** Gives up the user-id wall (before any cell), saying why: the machine's folders keep the sandbox users out. */
  dropUserWall(why: string): void {
    this.walled = false;
    this.unwalledWhy = why;
  }

  /** The group every lane's user id belongs to: the build folder is readable by it alone. */
  get gid(): number | undefined {
    return this.walled ? this.laneUid(0) : undefined;
  }

  /** One line on what separates the two sides, for the console when it is weak and for the JSON report. */
  describe(): string {
    const parts: string[] = [];
    if (this.walled) {
      parts.push(
        `student processes run as user ids of their own (${[...this.laneUids.values()].join(', ') || 'none yet'})`,
      );
      parts.push(this.unshareNet ? 'with no network' : 'with the network (no network namespaces here)');
    } else if (this.unwalledWhy)
      parts.push(
        `no user-id wall: ${this.unwalledWhy}, so student code runs as root; processes are contained by cgroups and a watchdog`,
      );
    else
      parts.push(
        'not running as root: student code runs as your own user (no user-id wall); processes are contained by process groups and a watchdog',
      );
    const cg = this.cgroups;
    if (cg.v2 || cg.v1Memory || cg.v1Pids) {
      const kinds = [
        cg.v2 ? `v2${cg.v2Controllers ? ' with memory and pids' : ''}` : '',
        cg.v1Memory ? 'v1 memory' : '',
        cg.v1Pids ? 'v1 pids' : '',
      ]
        .filter(Boolean)
        .join(', ');
      parts.push(`in a cgroup per test (${kinds})`);
    } else if (process.getuid?.() === 0) {
      parts.push('no cgroups here (budgets by rlimits and polling)');
    }
    return parts.join('; ');
  }

  /** A user id of its own for each lane of parallel tests (root only). */
  laneUid(lane: number): number {
    let uid = this.laneUids.get(lane);
    if (uid === undefined) {
      uid = this.allocateUid();
      this.laneUids.set(lane, uid);
      this.tell({ uid });
    }
    return uid;
  }

  cell(lane: number): Cell {
    if (this.closed) throw new Error('the grader is shutting down');
    const id = `${process.pid}-${++this.cells}`;
    const uid = this.walled ? this.laneUid(lane) : undefined;
    const cell = new Cell(
      this,
      id,
      uid,
      this.gid,
      makeCellGroups(this.cgroups, id, this.budgets, uid !== undefined && !this.setpriv ? uid : undefined),
      this.walled ? this.setpriv : undefined,
      this.prlimit,
      this.unshareNet,
    );
    this.tell({ cell: id, cgroups: cell.cgroupDirs, marker: cell.marker, ...(uid !== undefined ? { uid } : {}) });
    this.open.add(cell);
    return cell;
  }

  /** @internal: a cell has been closed. */
  forget(cell: Cell): void {
    this.open.delete(cell);
    this.tell({ forget: cell.id });
  }

  /** @internal: a message to the watchdog. */
  tell(message: object): void {
    try {
      if (this.watchdog?.stdin?.writableEnded) return; // it has gone on to its last cleanup
      this.watchdog?.stdin?.write(JSON.stringify(message) + '\n');
    } catch {
      // the watchdog is gone: the grader's own cleanup still runs
    }
  }

  /** Ends every student process of every lane, frees the user ids and cgroups, and lets the watchdog go. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const cell of [...this.open]) cell.close();
    for (const uid of this.laneUids.values()) {
      reap({ uid });
      removeLeftovers(uid);
    }
    removeCgroups([this.cgroups.v2, this.cgroups.v1Memory, this.cgroups.v1Pids].filter((d): d is string => !!d));
    // The watchdog reaps our user ids once more when its pipe closes, so the
    // locks must outlive that: it removes them itself, after. (Freed now, a
    // user id could go to another grader whose processes the last reap would
    // then end.) Without a watchdog, nothing reaps after us.
    if (!this.watchdogAlive()) for (const lock of this.locks) fs.rmSync(lock, { force: true });
    this.watchdog?.stdin?.end(); // it checks once more, removes the locks, then exits
  }

  private watchdogAlive(): boolean {
    const pid = this.watchdog?.pid;
    return (
      pid !== undefined &&
      this.watchdog!.exitCode === null &&
      this.watchdog!.signalCode === null &&
      fs.existsSync(`/proc/${pid}`)
    );
  }

  private startWatchdog(script: string): void {
    const child = spawn(process.execPath, [script, String(process.pid)], {
      detached: true, // its own session: the terminal's Ctrl-C and hang-up reach only the grader
      stdio: ['pipe', 'ignore', 'ignore'],
    });
    child.unref();
    (child.stdin as unknown as { unref?: () => void }).unref?.();
    child.on('error', () => undefined);
    child.stdin?.on('error', () => undefined);
    this.watchdog = child;
  }

  /** A free sandbox user id, locked by this grader and its watchdog; the watchdog hears of the lock. */
  private allocateUid(): number {
    // Held by this grader and by its watchdog, which outlives it to reap a last time.
    const { uid, lock } = takeFreeUid(() => [process.pid, ...(this.watchdogAlive() ? [this.watchdog!.pid!] : [])]);
    this.locks.push(lock);
    this.tell({ lock });
    return uid;
  }
}

/** One test's student processes: how to start them inside the wall, watch their budgets, and end them all. */
export class Cell {
  readonly marker = crypto.randomBytes(8).toString('hex');
  private readonly pgids: number[] = [];
  private closed = false;

  constructor(
    private readonly wall: Wall,
    readonly id: string,
    readonly uid: number | undefined,
    readonly gid: number | undefined,
    readonly cgroupDirs: string[],
    private readonly setpriv: string | undefined,
    private readonly prlimit: string | undefined,
    private readonly unshareNet?: string,
  ) {}

  get budgets(): Budgets {
    return this.wall.budgets;
  }

  /** Makes a folder the student's processes may write (theirs, mode 0700), or hands an existing one over. */
  own(dir: string): void {
    if (this.uid === undefined) return;
    fs.chownSync(dir, this.uid, this.gid!);
    fs.chmodSync(dir, 0o700);
  }

  /**
   * The command that starts `command args` inside the cell: a root shell
   * enters the cgroups and lowers its OOM score, prlimit sets the rlimits,
   * setpriv drops to the sandbox user (no new privileges, no groups), then
   * the command runs with the same pid throughout. With `netns`, it runs in
   * that network namespace (a "host" of netns.ts) instead of one of its own.
   */
  command(
    command: string,
    args: string[],
    netns?: string,
  ): { command: string; args: string[]; uid?: number; gid?: number } {
    const enter =
      'while [ "$1" != -- ]; do echo $$ > "$1" || exit 125; shift; done; shift; ' +
      'echo 1000 > /proc/self/oom_score_adj 2>/dev/null; exec "$@"';
    const procs = this.cgroupDirs.map((d) => path.join(d, 'cgroup.procs'));
    // RLIMIT_NPROC counts every task of the user id; where a pids cgroup counts the cell's, it is only a backstop
    // set above it, so that the cgroup is what says no (and records that it did).
    const nproc = this.budgets.tasks + (this.cgroupDirs.some((d) => fs.existsSync(path.join(d, 'pids.max'))) ? 64 : 0);
    const limits = this.prlimit
      ? [
          this.prlimit,
          `--fsize=${this.budgets.diskBytes}`,
          '--core=0',
          ...(this.uid !== undefined ? [`--nproc=${nproc}`] : []),
          '--',
        ]
      : [];
    // The job talks over a unix socket only; or, on a "host" of the challenge track's two-hosts test, in that network namespace.
    const isolate = netns
      ? [NSENTER, `--net=${path.join(NETNS_DIR, netns)}`, '--']
      : this.unshareNet
        ? [this.unshareNet, '--net', '--']
        : [];
    const drop =
      this.uid !== undefined && this.setpriv
        ? [this.setpriv, `--reuid=${this.uid}`, `--regid=${this.gid}`, '--clear-groups', '--no-new-privs', '--']
        : [];
    const viaNode = this.uid !== undefined && !this.setpriv; // fall back on spawn's own uid switch
    return {
      command: '/bin/sh',
      args: ['-c', enter, 'mr-cell', ...procs, '--', ...limits, ...isolate, ...drop, command, ...args],
      ...(viaNode ? { uid: this.uid, gid: this.gid } : {}),
    };
  }

  /** The environment of a student process: with root, only what a job needs (the kit's MR_* included); always the cell's marker. */
  env(base: NodeJS.ProcessEnv, tmp: string): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = {};
    if (this.uid !== undefined) {
      const keep = (name: string): boolean =>
        ['PATH', 'LANG', 'LC_ALL', 'TZ', 'TERM', 'DEBUG', 'VERBOSE'].includes(name) || name.startsWith('MR_');
      for (const [name, value] of Object.entries(base)) if (keep(name) && value !== undefined) env[name] = value;
    } else {
      Object.assign(env, base);
    }
    env.HOME = tmp;
    env.TMPDIR = tmp;
    env[MARKER_VAR] = this.marker;
    return env;
  }

  /** @internal: a process group started in the cell (its leader's pid). */
  started(pgid: number): void {
    this.pgids.push(pgid);
    this.wall.tell({ cell: this.id, pgid });
  }

  private quarry(): Quarry {
    return {
      cgroups: this.cgroupDirs,
      uid: this.uid,
      marker: this.uid === undefined ? this.marker : undefined,
      pgids: this.pgids,
    };
  }

  /** The pids of the cell's live processes. */
  processes(): number[] {
    return findProcesses({ ...this.quarry(), pgids: undefined });
  }

  /** Ends every process of the cell, forked and detached ones included. */
  kill(): void {
    reap(this.quarry());
  }

  /**
   * A budget the cell's processes broke, as one line, or undefined. The
   * disk is measured over `dirs` (and, with root, what the sandbox user left
   * in the shared temporary folders); memory from the cgroup when there is
   * one, else from the processes' resident sizes.
   */
  overBudget(dirs: string[]): string | undefined {
    const b = this.budgets;
    let disk = 0;
    for (const dir of dirs) disk += treeSize(dir);
    if (this.uid !== undefined) for (const entry of leftovers(this.uid)) disk += treeSize(entry);
    if (disk > b.diskBytes)
      return `the test's processes wrote ${formatBytes(disk)} to disk; the limit is ${formatBytes(b.diskBytes)}`;
    for (const dir of this.cgroupDirs) {
      const oom = counter(dir, 'memory.events', 'oom_kill') || counter(dir, 'memory.oom_control', 'oom_kill');
      if (oom > 0)
        return `the test's processes used more than the memory limit of ${formatBytes(b.memoryBytes)} (the kernel killed ${oom})`;
      const maxed = counter(dir, 'pids.events', 'max');
      if (maxed > 0)
        return `the test's processes tried to run more than ${b.tasks} processes and threads at once (the limit)`;
    }
    if (
      !this.cgroupDirs.some(
        (d) => fs.existsSync(path.join(d, 'memory.max')) || fs.existsSync(path.join(d, 'memory.limit_in_bytes')),
      )
    ) {
      const rss = this.processes().reduce((sum, pid) => sum + residentBytes(pid), 0);
      if (rss > b.memoryBytes)
        return `the test's processes used ${formatBytes(rss)} of memory; the limit is ${formatBytes(b.memoryBytes)}`;
    }
    if (this.uid === undefined || this.cgroupDirs.some((d) => fs.existsSync(path.join(d, 'pids.max'))))
      return undefined;
    // RLIMIT_NPROC counts every task of the user id: at the limit, forks fail.
    const tasks = this.processes().reduce((sum, pid) => sum + statusField(pid, 'Threads'), 0);
    if (tasks >= b.tasks)
      return `the test's processes tried to run more than ${b.tasks} processes and threads at once (the limit)`;
    return undefined;
  }

  /** Ends the cell: every process, its cgroups, and what its user left in the shared temporary folders. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.kill();
    removeCgroups(this.cgroupDirs);
    if (this.uid !== undefined) removeLeftovers(this.uid);
    this.wall.forget(this);
  }
}

// ------------------------------------------------------------------ helpers

/** The first folder above `at` that other users cannot pass through, if any. */
export function closedAncestor(at: string): string | undefined {
  for (let dir = path.dirname(path.resolve(at)); ; dir = path.dirname(dir)) {
    try {
      if ((fs.statSync(dir).mode & 0o001) === 0) return dir;
    } catch {
      return dir;
    }
    if (path.dirname(dir) === dir) return undefined;
  }
}

/** `unshare` if it can make a network namespace here (root, and not a container that forbids it). */
function canUnshareNet(): string | undefined {
  const unshare = findTool('unshare');
  if (!unshare) return undefined;
  return spawnSync(unshare, ['--net', 'true'], { stdio: 'ignore', timeout: 5000 }).status === 0 ? unshare : undefined;
}

function findTool(name: string): string | undefined {
  for (const dir of ['/usr/bin', '/bin', '/usr/sbin', '/sbin']) {
    const file = path.join(dir, name);
    try {
      fs.accessSync(file, fs.constants.X_OK);
      return file;
    } catch {
      // not here
    }
  }
  return undefined;
}

function setOomScore(pid: number, score: number): void {
  try {
    fs.writeFileSync(`/proc/${pid}/oom_score_adj`, String(score));
  } catch {
    // not allowed here
  }
}
