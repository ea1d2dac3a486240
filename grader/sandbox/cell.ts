// A cell: one test's student processes, inside the wall. It builds the
// command that starts each of them (a root shell that enters the cell's
// cgroups, then prlimit, unshare or nsenter for the network, setpriv to drop
// to the sandbox user), gives them an environment of only what a job needs,
// measures them against the test's budgets, and ends them all, forked and
// detached ones included. The wall (wall.ts) makes cells and hands each its
// user id, cgroup folders and tools; the watchdog hears of what a cell starts.

import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import {
  Breach,
  Budgets,
  formatBytes,
  leftovers,
  removeLeftovers,
  residentBytes,
  statusField,
  treeSize,
} from './budgets';
import { counter } from './cgroups';
import { memoryBreach } from './memory-kills';
import { NETNS_DIR, NSENTER } from './netns';
import { findProcesses, MARKER_VAR, Quarry, reap, removeCgroups } from './reap';
import { aloneWords } from './alone';

/** Where a process of a cell runs: on a "host" (a network namespace of netns.ts), or alone (alone.ts). */
export interface Placement {
  netns?: string;
  /** Shares nothing with the cell's other processes (a simulated peer); where the machine cannot, as the others. */
  alone?: boolean;
  /** Alone: folders it needs (node's, its compiled code's), kept visible, read-only, if a private /tmp would hide them. */
  visible?: readonly string[];
}

/** What a cell needs of the wall that made it: the budgets, and the line to the watchdog. */
export interface CellHost {
  readonly budgets: Budgets;
  /** A message to the watchdog. */
  tell(message: object): void;
  /** The cell has been closed. */
  forget(cell: Cell): void;
}

/** One test's student processes: how to start them inside the wall, watch their budgets, and end them all. */
export class Cell {
  readonly marker = crypto.randomBytes(8).toString('hex');
  private readonly pgids: number[] = [];
  private closed = false;

  constructor(
    private readonly wall: CellHost,
    readonly id: string,
    readonly uid: number | undefined,
    readonly gid: number | undefined,
    readonly cgroupDirs: string[],
    private readonly setpriv: string | undefined,
    private readonly prlimit: string | undefined,
    private readonly unshareNet?: string,
    private readonly unshareAlone?: string,
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
   * that network namespace (a "host" of netns.ts) instead of one of its own;
   * `alone`, in namespaces and temporary folders of its own (alone.ts).
   */
  command(
    command: string,
    args: string[],
    where: Placement = {},
  ): { command: string; args: string[]; uid?: number; gid?: number } {
    const netns = where.netns;
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
      : where.alone && this.unshareAlone
        ? aloneWords(this.unshareAlone, where.visible)
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
  overBudget(dirs: string[]): Breach | undefined {
    const b = this.budgets;
    let disk = 0;
    for (const dir of dirs) disk += treeSize(dir);
    if (this.uid !== undefined) for (const entry of leftovers(this.uid)) disk += treeSize(entry);
    if (disk > b.diskBytes)
      return {
        line: `the test's processes wrote ${formatBytes(disk)} to disk; the limit is ${formatBytes(b.diskBytes)}`,
      };
    for (const dir of this.cgroupDirs) {
      const memory = memoryBreach(dir, b.memoryBytes);
      if (memory) return memory;
      const maxed = counter(dir, 'pids.events', 'max');
      if (maxed > 0)
        return {
          line: `the test's processes tried to run more than ${b.tasks} processes and threads at once (the limit)`,
        };
    }
    if (
      !this.cgroupDirs.some(
        (d) => fs.existsSync(path.join(d, 'memory.max')) || fs.existsSync(path.join(d, 'memory.limit_in_bytes')),
      )
    ) {
      const rss = this.processes().reduce((sum, pid) => sum + residentBytes(pid), 0);
      if (rss > b.memoryBytes)
        return {
          line: `the test's processes used ${formatBytes(rss)} of memory; the limit is ${formatBytes(b.memoryBytes)}`,
        };
    }
    if (this.uid === undefined || this.cgroupDirs.some((d) => fs.existsSync(path.join(d, 'pids.max'))))
      return undefined;
    // RLIMIT_NPROC counts every task of the user id: at the limit, forks fail.
    const tasks = this.processes().reduce((sum, pid) => sum + statusField(pid, 'Threads'), 0);
    if (tasks >= b.tasks)
      return {
        line: `the test's processes tried to run more than ${b.tasks} processes and threads at once (the limit)`,
      };
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
