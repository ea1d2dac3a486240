// A worker in the middle of a map call, as its trace shows it: waiting
// until one is, freezing one there (SIGSTOP), and waiting for the job
// around a frozen worker, which stays alive for ever. The extended tier's
// hung-worker and coordinator-loss tests stage their fault at that moment.

import { fail } from '../../../core/outcome';
import { fmtSeconds, Proc, sleep } from '../../../core/processes';
import { indent } from './describe';
import type { Job } from './job';
import { readTrace } from './traces';

const MAP_START_LIMIT_MS = 20_000; // some worker must have started a map task by then
const STALL_GRACE_MS = 5_000; // with a frozen worker, the job counts as stuck this long after the others exited
const POLL_MS = 25;

/** The map call a worker is in the middle of, from its trace: a map start with no end after it. */
function openMap(job: Job, w: Proc): string | undefined {
  const file = job.traceFiles.get(w);
  if (!file) throw new Error(`${w.role} has no trace file`);
  let open: string | undefined;
  for (const e of readTrace(file)) {
    if (e.phase !== 'map') continue;
    if (e.event === 'start') open = e.input;
    else if (e.input === open) open = undefined;
  }
  return open;
}

/** Waits until one of `workers` is in the middle of a map call; fails fast when none can be. */
export async function waitOpenMap(job: Job, workers: Proc[]): Promise<{ proc: Proc; input: string }> {
  const c = job.coordinator!;
  const limit = job.scaled(MAP_START_LIMIT_MS);
  const deadline = Date.now() + limit;
  for (;;) {
    for (const w of workers) {
      const input = w.alive ? openMap(job, w) : undefined;
      if (input !== undefined) return { proc: w, input };
    }
    if (!c.alive)
      fail(
        `the coordinator (pid ${c.pid}) ${c.describeExit()} before any worker started a map task`,
        ...indent(c.tail()),
      );
    if (workers.every((w) => !w.alive)) {
      const w = workers[0];
      fail(
        `every worker exited before any of them started a map task (statuses ${workers.map((p) => p.exit!.code ?? p.exit!.signal).join(', ')})`,
        ...(w.tail().length ? [`${w.role}'s last output:`, ...indent(w.tail())] : []),
      );
    }
    if (Date.now() > deadline) fail(`no worker started a map task within ${fmtSeconds(limit)}`);
    await sleep(POLL_MS);
  }
}

/** Freezes (SIGSTOP) the first worker seen in the middle of a map call. */
export async function freezeMidMap(job: Job, workers: Proc[]): Promise<{ proc: Proc; input: string }> {
  for (let attempt = 0; ; attempt++) {
    const found = await waitOpenMap(job, workers);
    found.proc.signal('SIGSTOP', `hung-worker test: frozen in the map of ${found.input}`);
    await sleep(50); // an "end" written just before the stop is in the file by now
    if (openMap(job, found.proc) === found.input || attempt >= 4) return found;
    found.proc.signal('SIGCONT', 'hung-worker test: its map had just ended; try again'); // missed: try again
  }
}

/**
 * As Job.waitCoordinator, but one worker is frozen (alive forever): the job
 * is stuck when every other worker has exited and the coordinator is still
 * running 5 s later, or when the coordinator runs past its limit.
 */
export async function waitCoordinatorDespite(job: Job, frozen: { proc: Proc; input: string }): Promise<void> {
  const c = job.coordinator!;
  const grace = job.scaled(STALL_GRACE_MS);
  const others = job.workers.filter((w) => w !== frozen.proc);
  const what = `${frozen.proc.role} (pid ${frozen.proc.pid}) frozen in the map of ${frozen.input}`;
  for (;;) {
    if (!c.alive) {
      if (c.timedOut) {
        fail(
          `the job did not finish: the coordinator (pid ${c.pid}) ${c.describeExit()}, with ${what}`,
          'a task whose worker stops responding must be handed to another worker (the course waits 10 s)',
        );
      }
      if (c.exit!.code !== 0)
        fail(`the coordinator (pid ${c.pid}) ${c.describeExit()}; its last output:`, ...indent(c.tail()));
      return;
    }
    if (others.every((w) => !w.alive)) {
      const last = Math.max(...others.map((w) => w.exit!.at));
      if (Date.now() - last > grace) {
        fail(
          `the job did not finish: the other workers exited (statuses ${others.map((w) => w.exit!.code ?? w.exit!.signal).join(', ')}), ` +
            `but the coordinator (pid ${c.pid}) was still running ${fmtSeconds(grace)} later, with ${what}`,
          'a task whose worker stops responding must be handed to another worker',
        );
      }
    }
    await Promise.race([c.exited, sleep(200)]);
  }
}
