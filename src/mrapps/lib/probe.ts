// What the probe apps use to observe the job from inside map and reduce:
// marker files in the current directory (the job's directory), liveness
// of the processes that wrote them, and blocking sleeps.

import * as fs from 'fs';

/** Blocks this process for `ms` milliseconds, as Go's time.Sleep blocks a map call. */
export function sleepSync(ms: number): void {
  if (ms > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** True if a process with this pid exists (signal 0 tests without sending). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * How many workers are in the same phase right now: leaves a marker
 * mr-worker-<phase>-<pid>, counts the markers of live processes, holds
 * for a second so that overlapping workers see each other, then removes
 * its own marker.
 */
export function nparallel(phase: 'map' | 'reduce'): number {
  const prefix = `mr-worker-${phase}-`;
  const mine = `${prefix}${process.pid}`;
  fs.writeFileSync(mine, 'x');

  let count = 0;
  for (const name of fs.readdirSync('.')) {
    const match = /^(\d+)/.exec(name.slice(prefix.length));
    if (name.startsWith(prefix) && match && isAlive(Number(match[1]))) count++;
  }

  sleepSync(1000);
  fs.rmSync(mine, { force: true });
  return count;
}
