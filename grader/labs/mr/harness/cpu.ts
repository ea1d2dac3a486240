// CPU time: how much a process has used (from /proc), how long it wanted
// the CPU (running, or runnable and waiting for a core), and how much the
// machine can give at once (its cores, or less under a cgroup's quota, as
// in a grading container). For telling a worker that waits from one that
// spins: on a starved machine a spinning worker may get little CPU, but it
// wants it all the time.

import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const TICKS_PER_SECOND = 100; // USER_HZ: what /proc counts in, on every Linux the kit runs on

/** The CPU time (user + system, ms) process `pid` has used so far; undefined when it is gone or /proc is not there. */
export function cpuTimeMs(pid: number): number | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // the name may hold spaces and parentheses
    const ticks = Number(fields[11]) + Number(fields[12]); // utime and stime, fields 14 and 15 of the line
    return Number.isFinite(ticks) ? (ticks * 1000) / TICKS_PER_SECOND : undefined;
  } catch {
    return undefined;
  }
}

/**
 * How long (ms) process `pid` has wanted the CPU so far, over all its
 * threads: time on a core plus time runnable on a run queue
 * (/proc/<pid>/task/<tid>/schedstat); undefined where the kernel does not say.
 */
export function runnableMs(pid: number): number | undefined {
  try {
    let ns = 0;
    for (const tid of fs.readdirSync(`/proc/${pid}/task`)) {
      const [onCpu, waiting] = read(`/proc/${pid}/task/${tid}/schedstat`)?.split(' ').map(Number) ?? [];
      if (Number.isFinite(onCpu) && Number.isFinite(waiting)) ns += onCpu + waiting; // a thread gone meanwhile adds 0
    }
    return ns / 1e6;
  } catch {
    return undefined;
  }
}

/** How many cores' worth of CPU this process's cgroup may use at once. */
export function cpuCapacity(): number {
  const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  return Math.min(cores, cgroupQuota() ?? Infinity);
}

/** The tightest CPU quota (in cores) on this process's cgroup and its parents, v2 or v1; undefined when none. */
function cgroupQuota(): number | undefined {
  let lines: string[];
  try {
    lines = fs.readFileSync('/proc/self/cgroup', 'utf8').split('\n');
  } catch {
    return undefined;
  }
  const quotas: number[] = [];
  for (const line of lines) {
    const [, controllers, where] = line.split(':');
    if (where === undefined) continue;
    if (controllers === '') {
      for (const dir of upFrom('/sys/fs/cgroup', where)) {
        const [max, period] = read(path.join(dir, 'cpu.max'))?.split(' ') ?? [];
        if (max && max !== 'max') quotas.push(Number(max) / Number(period));
      }
    } else if (controllers.split(',').includes('cpu')) {
      for (const dir of upFrom(path.join('/sys/fs/cgroup', controllers), where)) {
        const quota = Number(read(path.join(dir, 'cpu.cfs_quota_us')));
        const period = Number(read(path.join(dir, 'cpu.cfs_period_us')));
        if (quota > 0 && period > 0) quotas.push(quota / period);
      }
    }
  }
  const tightest = Math.min(...quotas.filter((q) => Number.isFinite(q) && q > 0));
  return Number.isFinite(tightest) ? tightest : undefined;
}

/** The cgroup folder of `where` under `root`, then each parent up to the root. */
function upFrom(root: string, where: string): string[] {
  const dirs: string[] = [];
  for (let dir = path.join(root, where); dir.startsWith(root); dir = path.dirname(dir)) {
    dirs.push(dir);
    if (dir === root) break;
  }
  return dirs;
}

function read(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch {
    return undefined;
  }
}
