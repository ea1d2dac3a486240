// Ending every process of the student's side, whatever it did to escape:
// by cgroup (v2's cgroup.kill, or every pid a v1 folder lists), by user id
// (as root, a sandbox user id is the student's alone), by the marker in
// their environment (without root), and by process group. Used by the
// grader itself and by its watchdog (watchdog.ts), which does the same when
// the grader dies. Everything here is synchronous, for exit handlers.

import * as fs from 'fs';
import * as path from 'path';

/** What identifies one cell's processes; any field may be missing. */
export interface Quarry {
  cgroups?: string[]; // cgroup folders (v2 or v1)
  uid?: number; // every process of this real user id
  marker?: string; // MR_LAB_CELL=<marker> in the environment (processes of our own user id only)
  pgids?: number[]; // process groups
}

export const MARKER_VAR = 'MR_LAB_CELL';

/** The pids of the processes `quarry` names, ourselves never included. */
export function findProcesses(quarry: Quarry): number[] {
  const found = new Set<number>();
  for (const dir of quarry.cgroups ?? []) for (const pid of cgroupPids(dir)) found.add(pid);
  if (quarry.uid !== undefined || quarry.marker) {
    for (const pid of allPids()) {
      if (quarry.uid !== undefined && realUid(pid) === quarry.uid) found.add(pid);
      else if (quarry.marker && hasMarker(pid, quarry.marker)) found.add(pid);
    }
  }
  found.delete(process.pid);
  return [...found];
}

/**
 * Kills them all, again and again until none is left (a process may fork
 * while we kill), for at most `ms`. Returns the pids still alive then.
 */
export function reap(quarry: Quarry, ms = 3000): number[] {
  const deadline = Date.now() + ms;
  for (const dir of quarry.cgroups ?? []) writeQuietly(path.join(dir, 'cgroup.kill'), '1'); // v2: all at once
  for (;;) {
    for (const pgid of quarry.pgids ?? []) signal(-pgid);
    const left = findProcesses(quarry).filter(isAlive);
    if (left.length === 0 || Date.now() > deadline) return left;
    for (const pid of left) signal(pid);
    pause(20);
  }
}

/** Removes cgroup folders (after reap: a folder with processes cannot go). */
export function removeCgroups(dirs: string[]): void {
  for (const dir of dirs) {
    for (let attempt = 0; attempt < 25; attempt++) {
      try {
        fs.rmdirSync(dir);
        break;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') break;
        for (const pid of cgroupPids(dir)) signal(pid);
        pause(20); // a killed process leaves its cgroup when it has been reaped
      }
    }
  }
}

export function cgroupPids(dir: string): number[] {
  try {
    return fs.readFileSync(path.join(dir, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

function allPids(): number[] {
  try {
    return fs
      .readdirSync('/proc')
      .filter((n) => /^\d+$/.test(n))
      .map(Number);
  } catch {
    return [];
  }
}

/** The real user id of a process, from /proc/<pid>/status. */
export function realUid(pid: number): number | undefined {
  try {
    const m = /^Uid:\s+(\d+)/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

function hasMarker(pid: number, marker: string): boolean {
  try {
    const environ = Buffer.concat([Buffer.from([0]), fs.readFileSync(`/proc/${pid}/environ`)]);
    return environ.includes(`\0${MARKER_VAR}=${marker}\0`);
  } catch {
    return false; // gone, or not ours to read
  }
}

/** A zombie has exited: it only waits for its parent to reap it. */
function isAlive(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

function signal(target: number): void {
  try {
    process.kill(target, 'SIGKILL');
  } catch {
    // gone, or never ours
  }
}

function writeQuietly(file: string, text: string): void {
  try {
    fs.writeFileSync(file, text);
  } catch {
    // no such control file (v1), or already gone
  }
}

/** Blocks the thread for `ms` (only in cleanup code, where nothing else may run). */
export function pause(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
