// Cgroups of the wall (root only): this grader's own folder in each usable
// hierarchy (v2 where the machine has it, for tracking, cgroup.kill and, where
// delegated, memory and pids; else the v1 memory and pids controllers), a
// folder per cell below them with the test's budgets written in, and the
// counters a cell reads to learn that the kernel enforced one. Where the
// machine allows none of it (a container's read-only cgroups), there are
// none, and rlimits and polling keep the budgets. Ending the processes of a
// cgroup and removing it is reap.ts's.

import * as fs from 'fs';
import * as path from 'path';
import { Budgets } from './budgets';

/** Places in the cgroup hierarchies where this grader makes its cells. */
export interface CgroupRoots {
  v2?: string; // our folder in the v2 hierarchy (tracking, cgroup.kill; memory and pids if enabled)
  v2Controllers: boolean;
  v1Memory?: string;
  v1Pids?: string;
}

/** Our own folder of a cgroup hierarchy, from /proc/self/cgroup ("" for v2's line). */
function ownCgroup(controller: string): string | undefined {
  try {
    for (const line of fs.readFileSync('/proc/self/cgroup', 'utf8').split('\n')) {
      const [, controllers, rel] = line.split(':');
      if (controllers === undefined) continue;
      if (controller === '' ? controllers === '' : controllers.split(',').includes(controller)) return rel || '/';
    }
  } catch {
    // no /proc/self/cgroup
  }
  return undefined;
}

/** Makes this grader's folder in each usable hierarchy; leaves out what the machine does not allow. */
export function makeCgroupRoots(): CgroupRoots {
  const roots: CgroupRoots = { v2Controllers: false };
  const name = `mr-lab-${process.pid}`;
  const v2Mount = ['/sys/fs/cgroup', '/sys/fs/cgroup/unified'].find((m) =>
    fs.existsSync(path.join(m, 'cgroup.controllers')),
  );
  const v2Own = ownCgroup('');
  if (v2Mount && v2Own !== undefined) {
    const dir = path.join(v2Mount, v2Own, name);
    try {
      fs.mkdirSync(dir);
      roots.v2 = dir;
      const available = fs.readFileSync(path.join(dir, 'cgroup.controllers'), 'utf8').split(/\s+/);
      if (available.includes('memory') && available.includes('pids')) {
        fs.writeFileSync(path.join(dir, 'cgroup.subtree_control'), '+memory +pids');
        roots.v2Controllers = true;
      }
    } catch {
      // read-only (a container), or controllers not delegated here
    }
  }
  if (!roots.v2Controllers) {
    for (const [controller, key] of [
      ['memory', 'v1Memory'],
      ['pids', 'v1Pids'],
    ] as const) {
      const own = ownCgroup(controller);
      if (own === undefined) continue;
      const dir = path.join('/sys/fs/cgroup', controller, own, name);
      try {
        fs.mkdirSync(dir);
        roots[key] = dir;
      } catch {
        // not mounted, or not ours to write
      }
    }
  }
  return roots;
}

/**
 * Makes cell `id`'s folder below each root, with the budgets written in, and
 * returns the folders made. `selfEnteringUid`: the sandbox user id that will
 * move itself into the cell (no setpriv to do it as root), which may then
 * write the one file that takes it in.
 */
export function makeCellGroups(
  roots: CgroupRoots,
  id: string,
  budgets: Budgets,
  selfEnteringUid: number | undefined,
): string[] {
  const dirs: string[] = [];
  const make = (parent: string | undefined, limits: Array<[string, string]>): void => {
    if (!parent) return;
    const dir = path.join(parent, `cell-${id}`);
    try {
      fs.mkdirSync(dir);
      for (const [file, value] of limits) writeIfThere(path.join(dir, file), value);
      // Without setpriv the sandbox user enters the cell itself: it may write this one file.
      if (selfEnteringUid !== undefined) fs.chownSync(path.join(dir, 'cgroup.procs'), selfEnteringUid, selfEnteringUid);
      dirs.push(dir);
    } catch {
      // no cell here: the other mechanisms still hold
    }
  };
  make(
    roots.v2,
    roots.v2Controllers
      ? [
          ['memory.max', String(budgets.memoryBytes)],
          ['memory.swap.max', '0'],
          ['pids.max', String(budgets.tasks)],
        ]
      : [],
  );
  if (!roots.v2Controllers) {
    make(roots.v1Memory, [
      ['memory.limit_in_bytes', String(budgets.memoryBytes)],
      ['memory.memsw.limit_in_bytes', String(budgets.memoryBytes)],
    ]);
    make(roots.v1Pids, [['pids.max', String(budgets.tasks)]]);
  }
  return dirs;
}

function writeIfThere(file: string, value: string): void {
  if (fs.existsSync(file)) fs.writeFileSync(file, value);
}

/** "name N" from a flat-keyed cgroup file, 0 when absent. */
export function counter(dir: string, file: string, key: string): number {
  try {
    const m = new RegExp(`^${key} (\\d+)`, 'm').exec(fs.readFileSync(path.join(dir, file), 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/** A cgroup file holding one number, 0 when absent (or "max"). */
export function numberIn(dir: string, file: string): number {
  try {
    return Number(fs.readFileSync(path.join(dir, file), 'utf8').trim()) || 0;
  } catch {
    return 0;
  }
}
