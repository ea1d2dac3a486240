// Processes the kernel killed for want of memory, and whose doing it was.
// The kernel counts in one counter a cell's kills at its own limit and those
// of the machine's OOM killer (the machine, or a container around the grader,
// ran out of memory). The cell's events, fail counts and peak say whether it
// reached its limit; its peak against the memory there was says whether the
// test's processes could have been what used the machine up.

import * as fs from 'fs';
import * as path from 'path';
import { Breach, formatBytes } from './budgets';
import { counter, numberIn } from './cgroups';

/** A cell whose peak came this close to its limit reached it, as far as blame goes. */
const NEAR_LIMIT = 0.95;
/** A cell that used less than this share of the memory there was cannot have used the machine up. */
const SMALL_SHARE = 0.5;

/**
 * The breach, if the kernel killed processes of the cell in `dir` for want of
 * memory: the test's, at its limit or having used much of the memory there
 * was; the grader's error when the cell used a small share of it.
 * `ceiling`: the memory there was (memoryCeiling, asked only after a kill).
 */
export function memoryBreach(
  dir: string,
  limitBytes: number,
  ceiling: () => number = () => memoryCeiling(dir),
): Breach | undefined {
  const killed = counter(dir, 'memory.events', 'oom_kill') || counter(dir, 'memory.oom_control', 'oom_kill');
  if (killed === 0) return undefined;
  const limit = formatBytes(limitBytes);
  const peakBytes = numberIn(dir, 'memory.peak') || numberIn(dir, 'memory.max_usage_in_bytes');
  const atLimit =
    counter(dir, 'memory.events', 'max') > 0 ||
    counter(dir, 'memory.events', 'oom') > 0 ||
    numberIn(dir, 'memory.failcnt') > 0 ||
    numberIn(dir, 'memory.memsw.failcnt') > 0 ||
    peakBytes >= NEAR_LIMIT * limitBytes; // v1 leaves its fail counts at 0 when a big charge meets the limit
  if (atLimit)
    return { line: `the test's processes used more than the memory limit of ${limit} (the kernel killed ${killed})` };
  const ceilingBytes = ceiling();
  const used = peakBytes ? `they used ${formatBytes(peakBytes)} at most` : 'what they used at most is not known';
  const story =
    `the machine ran out of memory (it has ${formatBytes(ceilingBytes)}) and its kernel killed ${killed} of the ` +
    `test's processes (${used}; the test's limit is ${limit})`;
  if (peakBytes && peakBytes < SMALL_SHARE * ceilingBytes)
    return { line: `${story}: run the test again`, byMachine: true };
  return { line: story };
}

/**
 * The memory a cell's processes could have had at most: the machine's, or
 * less where a cgroup around the grader (a container's) limits it.
 */
export function memoryCeiling(cellDir: string): number {
  let least = machineMemory();
  for (let dir = path.dirname(cellDir); dir.startsWith('/sys/fs/cgroup/'); dir = path.dirname(dir)) {
    const limit = numberIn(dir, 'memory.max') || numberIn(dir, 'memory.limit_in_bytes');
    if (limit > 0) least = Math.min(least, limit);
  }
  return least;
}

function machineMemory(): number {
  try {
    const kb = /^MemTotal:\s+(\d+) kB/m.exec(fs.readFileSync('/proc/meminfo', 'utf8'))?.[1];
    return kb ? Number(kb) * 1024 : Infinity;
  } catch {
    return Infinity;
  }
}
