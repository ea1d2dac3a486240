// The wall between the grader (trusted: the kit, the expected outputs, every
// verdict) and the student's code (everything a coordinator or worker runs).
//
// One Wall per grader process; one Cell (cell.ts) per test. With root, each
// lane of tests runs its student processes under a user id of its own
// (uids.ts), which can write only its test's folders; in a cgroup per test
// (cgroups.ts); with rlimits (file size, process count) and the OOM killer's
// preference. Without root: process groups, an environment marker and the
// watchdog, and the grader says so. The Wall composes these: it takes the
// lanes' user ids, makes each cell, tells its watchdog process (watchdog.ts)
// of all of them, which ends every process of the student's side when the
// grader dies, however it dies, and says in one line what the wall is here.

import { spawn, ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Budgets, removeLeftovers } from './budgets';
import { canIsolate } from './alone';
import { Cell, CellHost } from './cell';
import { canUnshareNet, findTool } from './tools';
import { CgroupRoots, makeCellGroups, makeCgroupRoots } from './cgroups';
import { reap, removeCgroups } from './reap';
import { takeFreeUid } from './uids';

export class Wall implements CellHost {
  /** Whether student processes run under sandbox user ids: with root, unless the machine's folders forbid it. */
  private walled = process.getuid?.() === 0;
  /** Why there is no user-id wall although we have root. */
  private unwalledWhy?: string;
  private readonly setpriv = findTool('setpriv');
  private readonly prlimit = findTool('prlimit');
  /** `unshare --net`, where this machine lets us make network namespaces: student processes get no network. */
  private readonly unshareNet = this.walled ? canUnshareNet() : undefined;
  /** `unshare` with every namespace a process alone needs (alone.ts), where root can make them here. */
  private readonly unshareAlone = this.walled ? canIsolate() : undefined;
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
      this.unshareAlone,
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

function setOomScore(pid: number, score: number): void {
  try {
    fs.writeFileSync(`/proc/${pid}/oom_score_adj`, String(score));
  } catch {
    // not allowed here
  }
}
