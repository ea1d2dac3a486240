// cgroup v1 folders for the benchmark: a memory folder to measure the peak
// memory of a whole process tree (memory.max_usage_in_bytes), optionally
// with a limit, and a cpu folder with a CFS quota (half a CPU). Folders are
// made under the benchmark's own cgroup of each controller, so they stay
// inside whatever limits the benchmark itself runs under.

import * as fs from 'fs';
import * as path from 'path';
import { sleep } from './procs';

const ROOT = '/sys/fs/cgroup';

export interface Group {
  memory?: string; // folder
  cpu?: string; // folder
}

/** The benchmark's own cgroup folder for a v1 controller, e.g. /sys/fs/cgroup/memory/x. */
function ownFolder(controller: string): string {
  let rel = '/';
  try {
    for (const line of fs.readFileSync('/proc/self/cgroup', 'utf8').split('\n')) {
      const [, controllers, p] = line.split(':');
      if (controllers !== undefined && controllers.split(',').includes(controller)) rel = p || '/';
    }
  } catch {
    // no /proc/self/cgroup: use the root
  }
  return path.join(ROOT, controller, rel);
}

/**
 * Makes the folders; throws an Error whose message says why not (no cgroup
 * v1, not permitted, ...). `memoryLimit` in bytes; `cpuQuota` in percent of one CPU.
 */
export function makeGroup(name: string, want: { memory?: boolean; memoryLimit?: number; cpuQuota?: number }): Group {
  const group: Group = {};
  try {
    if (want.memory || want.memoryLimit) {
      const parent = ownFolder('memory');
      if (!fs.existsSync(path.join(parent, 'memory.max_usage_in_bytes'))) {
        throw new Error(`no cgroup v1 memory controller at ${parent}`);
      }
      group.memory = path.join(parent, name);
      fs.mkdirSync(group.memory);
      if (want.memoryLimit) {
        fs.writeFileSync(path.join(group.memory, 'memory.limit_in_bytes'), String(want.memoryLimit));
        // The limit covers swap too, where the kernel accounts it.
        const memsw = path.join(group.memory, 'memory.memsw.limit_in_bytes');
        if (fs.existsSync(memsw)) fs.writeFileSync(memsw, String(want.memoryLimit));
      }
    }
    if (want.cpuQuota) {
      const parent = ownFolder('cpu');
      if (!fs.existsSync(path.join(parent, 'cpu.cfs_quota_us')))
        throw new Error(`no cgroup v1 cpu controller at ${parent}`);
      group.cpu = path.join(parent, name);
      fs.mkdirSync(group.cpu);
      fs.writeFileSync(path.join(group.cpu, 'cpu.cfs_period_us'), '100000');
      fs.writeFileSync(path.join(group.cpu, 'cpu.cfs_quota_us'), String(Math.round(1000 * want.cpuQuota)));
    }
    return group;
  } catch (err) {
    void removeGroup(group);
    const e = err as NodeJS.ErrnoException;
    throw new Error(e.code ? `${e.code} on ${e.path ?? 'a cgroup file'}` : e.message);
  }
}

/** A shell prefix that moves the shell into the group, then execs the command. */
export function enterCommand(group: Group): string {
  const dirs = [group.memory, group.cpu].filter((d): d is string => !!d);
  return dirs.map((d) => `echo $$ > '${d}/cgroup.procs' && `).join('') + 'exec "$@"';
}

export function peakMemory(group: Group): number | undefined {
  if (!group.memory) return undefined;
  try {
    return Number(fs.readFileSync(path.join(group.memory, 'memory.max_usage_in_bytes'), 'utf8'));
  } catch {
    return undefined;
  }
}

/** Times the group hit its memory limit (memory.failcnt) and whether the OOM killer ran. */
export function memoryPressure(group: Group): { failcnt?: number; oomKills?: number } {
  if (!group.memory) return {};
  const read = (f: string): string => {
    try {
      return fs.readFileSync(path.join(group.memory!, f), 'utf8');
    } catch {
      return '';
    }
  };
  const failcnt = Number(read('memory.failcnt')) || 0;
  const m = /^oom_kill (\d+)/m.exec(read('memory.oom_control'));
  return { failcnt, oomKills: m ? Number(m[1]) : undefined };
}

/**
 * Removes the folders. Any process still inside is one the benchmark
 * started (the group was empty when made): it is killed first.
 */
export async function removeGroup(group: Group): Promise<void> {
  for (const dir of [group.memory, group.cpu]) {
    if (!dir || !fs.existsSync(dir)) continue;
    for (let attempt = 0; attempt < 50; attempt++) {
      try {
        fs.rmdirSync(dir);
        break;
      } catch {
        let pids: number[] = [];
        try {
          pids = fs.readFileSync(path.join(dir, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean).map(Number);
        } catch {
          pids = [];
        }
        for (const pid of pids) {
          try {
            process.kill(pid, 'SIGKILL');
          } catch {
            // gone
          }
        }
        await sleep(100);
      }
    }
  }
}

/** Best effort, for exit handlers: kills what is inside, then removes the folders. */
export function removeGroupSync(group: Group): void {
  for (const dir of [group.memory, group.cpu]) {
    if (!dir || !fs.existsSync(dir)) continue;
    for (let attempt = 0; attempt < 20; attempt++) {
      try {
        fs.rmdirSync(dir);
        break;
      } catch {
        try {
          for (const pid of fs.readFileSync(path.join(dir, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean)) {
            process.kill(Number(pid), 'SIGKILL');
          }
        } catch {
          // gone, or not readable
        }
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
      }
    }
  }
}
