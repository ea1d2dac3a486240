// What one test's student processes may use (memory, tasks, disk, output),
// and the measures the grader takes of them where no cgroup keeps count: the
// bytes under a folder, a process's resident size and threads, and what a
// sandbox user left in the folders every user may write (counted against the
// disk budget, and removed when its cell or the grader ends). A cell
// (cell.ts) compares these with its budgets; the messages give sizes with
// formatBytes.

import * as fs from 'fs';
import * as path from 'path';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

/** What one test's student processes may use. */
export interface Budgets {
  memoryBytes: number; // all of a test's processes together
  tasks: number; // processes and threads of a test at once
  diskBytes: number; // written by a test (its folder and temporary folder); also the largest file
  outputBytes: number; // printed by one process (stdout and stderr)
}

/**
 * A budget broken, in one line. `byMachine`: the machine broke it, not the
 * test (its OOM killer took a process of a cell that used a small share of
 * the memory there was): the run says nothing of the student's code.
 */
export interface Breach {
  line: string;
  byMachine?: boolean;
}

export const DEFAULT_BUDGETS: Budgets = {
  memoryBytes: 2 * GiB,
  tasks: 512,
  diskBytes: 1 * GiB,
  outputBytes: 64 * MiB,
};

/** Folders every user may write to: what a sandbox user leaves there is removed (and counted). */
const SHARED_TMP = ['/tmp', '/var/tmp', '/dev/shm'];

export function formatBytes(n: number): string {
  if (n >= GiB) return `${(n / GiB).toFixed(1)} GB`;
  if (n >= MiB) return `${(n / MiB).toFixed(n >= 10 * MiB ? 0 : 1)} MB`;
  if (n >= 1024) return `${Math.round(n / 1024)} KB`;
  return `${n} bytes`;
}

export function residentBytes(pid: number): number {
  return statusField(pid, 'VmRSS') * 1024;
}

/** A number from /proc/<pid>/status ("VmRSS", in kB; "Threads"), 0 when gone. */
export function statusField(pid: number, name: string): number {
  try {
    const m = new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/** The bytes under a path (files' apparent sizes; links are not followed). Stops counting past 64k entries. */
export function treeSize(at: string, budget = { entries: 65_536 }): number {
  let st: fs.Stats;
  try {
    st = fs.lstatSync(at);
  } catch {
    return 0;
  }
  if (--budget.entries < 0) return 0;
  if (!st.isDirectory()) return st.size;
  let sum = 0;
  let names: string[] = [];
  try {
    names = fs.readdirSync(at);
  } catch {
    return 0;
  }
  for (const name of names) sum += treeSize(path.join(at, name), budget);
  return sum;
}

/** Entries of the shared temporary folders owned by `uid`. */
export function leftovers(uid: number): string[] {
  const found: string[] = [];
  for (const dir of SHARED_TMP) {
    let names: string[] = [];
    try {
      names = fs.readdirSync(dir);
    } catch {
      continue;
    }
    for (const name of names) {
      const entry = path.join(dir, name);
      try {
        if (fs.lstatSync(entry).uid === uid) found.push(entry);
      } catch {
        // gone
      }
    }
  }
  return found;
}

export function removeLeftovers(uid: number): void {
  for (const entry of leftovers(uid)) fs.rmSync(entry, { recursive: true, force: true });
}
