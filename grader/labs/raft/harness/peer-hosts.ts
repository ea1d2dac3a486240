// Where one test's peers run. In one process (--in-process, a student's
// quick loop), every incarnation is a vm context of the grader's process.
// Graded (the default), every incarnation is a process of its own, started
// inside the test's cell of the wall: as root, under the lane's sandbox
// user id, in the test's cgroup, with the test's budgets, and alone (its
// own network, IPC, mount and PID namespaces, a private /tmp): the peers
// share nothing but what the grader carries between them. Their folder is
// the test's, which they may read but not write (a peer needs no disk: its
// persister is the grader's), so no file passes from one to another, or
// from an incarnation to the next. Whatever they leave running is ended
// when the cell closes.

import { spawn } from 'child_process';
import * as path from 'path';
import type { TestRun } from '../../../core/lab';
import type { Breach } from '../../../sandbox/budgets';
import type { Cell } from '../../../sandbox/cell';
import { InProcessHost, ProcessHost, type PeerChild, type PeerHost, type SpawnPeer } from '../../../sim';
import type { Hosts } from './raft-test';

/** CPU one step of a peer may take before it counts as never yielding (a loop that never ends). */
const CPU_BUDGET_MS = 5000;
/** A peer's HOME and TMPDIR: its own private /tmp when it runs alone. */
const PEER_TMP = '/tmp';

export class PeerHosts implements Hosts {
  private cell?: Cell;
  private readonly hosts: PeerHost[] = [];

  constructor(
    private readonly test: TestRun,
    private readonly inProcess: boolean,
  ) {}

  /** A fresh host for a cluster of n peers: graded, their n processes start at once, in parallel. */
  make(n: number): PeerHost {
    const { build } = this.test.setup;
    const code = { build: build.out, sourceRoot: build.dir, cpuBudgetMs: CPU_BUDGET_MS };
    let host: PeerHost;
    if (this.inProcess) host = new InProcessHost(code);
    else {
      const processes = new ProcessHost({ ...code, spawn: this.spawnInCell(), spares: 0 });
      processes.prestart(n);
      host = processes;
    }
    this.hosts.push(host);
    return host;
  }

  /**
   * The cluster has booted. A process is kept ready for the next restart
   * only in a test that crashes peers; no other test starts one it will
   * not use.
   */
  booted(host: PeerHost, crashes: boolean): void {
    if (host instanceof ProcessHost) host.keepSpares(crashes ? 1 : 0);
  }

  /**
   * Ends every peer of the test and closes its cell; says which budget the
   * peers broke, if they did (the kernel enforces them: a peer over the
   * memory limit is killed, and the test failed with a dead peer).
   */
  async close(): Promise<Breach | undefined> {
    const broken = this.cell?.overBudget([]);
    await Promise.all(this.hosts.map((host) => host.close()));
    this.cell?.close();
    return broken;
  }

  /** Starts a peer process inside the test's cell, its fd 3 a pipe to the simulator. */
  private spawnInCell(): SpawnPeer {
    const { setup, lane, dir } = this.test;
    this.cell ??= setup.wall.cell(lane); // the test's folder stays the grader's: no peer writes there
    const cell = this.cell;
    return (argv, env): PeerChild => {
      // node and the compiled code stay visible in the peer's private /tmp, should they live under /tmp
      const visible = [path.dirname(process.execPath), setup.build.dir];
      const { command, args, uid, gid } = cell.command(argv[0], argv.slice(1), { alone: true, visible });
      const child = spawn(command, args, {
        cwd: dir,
        env: cell.env({ PATH: process.env.PATH, ...env }, PEER_TMP),
        stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
        detached: true, // a process group of its own, which kill() ends
        uid,
        gid,
      });
      const pid = child.pid ?? -1;
      if (pid > 0) {
        cell.started(pid);
        setup.registry.pids.push(pid); // the run's record of every process it started
      }
      const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => {
        child.once('exit', (code, signal) => resolve({ code, signal }));
        child.once('error', () => resolve({ code: null, signal: null })); // could not start: the exit says so
      });
      return {
        pid,
        channel: child.stdio[3] as PeerChild['channel'],
        stderr: child.stderr,
        exited,
        kill: () => {
          if (pid <= 0 || child.exitCode !== null || child.signalCode !== null) return;
          try {
            process.kill(-pid, 'SIGKILL');
          } catch {
            // already gone
          }
        },
      };
    };
  }
}
