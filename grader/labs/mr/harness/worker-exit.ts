// After the coordinator has gone (it exited, or a test killed it): every
// worker must exit by itself within a bound, and, when the job is done,
// with status 0. The course never checks that workers exit; the extended
// tier does.

import { fail } from '../../../core/outcome';
import { fmtSeconds, Proc, sleep } from '../../../core/processes';
import { indent } from './describe';
import type { Job } from './job';

const EXIT_BOUND_MS = 5_000; // workers must be gone this soon after the coordinator

/**
 * After the coordinator has exited (or was killed): every worker must exit
 * within 5 s of that, and (when `statusZero`) with status 0.
 */
export async function checkWorkersExit(job: Job, how: string, statusZero: boolean): Promise<void> {
  const c = job.coordinator!;
  const bound = job.scaled(EXIT_BOUND_MS);
  const deadline = c.exit!.at + bound;
  const alive = (): Proc[] => job.workers.filter((w) => w.alive);
  while (alive().length && Date.now() < deadline) {
    await Promise.race([Promise.all(alive().map((w) => w.exited)), sleep(Math.max(0, deadline - Date.now()))]);
  }
  const lingering = alive();
  if (lingering.length) {
    const w = lingering[0];
    fail(
      `${lingering.map((p) => `${p.role} (pid ${p.pid})`).join(', ')} still running ${fmtSeconds(bound)} after the coordinator ${how}: ` +
        'a worker must exit when the job is done or the coordinator is gone',
      ...(w.tail().length ? [`${w.role}'s last output:`, ...indent(w.tail())] : []),
    );
  }
  if (!statusZero) return;
  const bad = job.workers.filter((w) => w.exit!.code !== 0);
  if (bad.length) {
    const w = bad[0];
    fail(
      `${bad.map((p) => `${p.role} (pid ${p.pid}) ${p.describeExit()}`).join(', ')}: every worker must exit with status 0 when the job is done`,
      ...(w.tail().length ? [`${w.role}'s last output:`, ...indent(w.tail())] : []),
    );
  }
}
