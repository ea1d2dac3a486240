// Whether a worker with nothing to do waits or spins: its CPU time, and
// how long it wanted the CPU, over a stretch of a forced schedule in which
// it has no task (harness/cpu.ts measures; the straggler-map schedule makes
// the stretch).

import { fail } from '../../../core/outcome';
import { fmtSeconds, Proc, sleep } from '../../../core/processes';
import { cpuCapacity, cpuTimeMs, runnableMs } from './cpu';
import { at, who } from './describe';
import type { Hold } from './holds';
import type { Stage } from './stage';

/** An idle worker may use at most this share of what the machine can run at once (and always 0.1 of a core): a spinning one gets far more, even on a busy machine. */
const IDLE_SHARE = 0.1;
/**
 * ...or wanted the CPU (running, or runnable and waiting for a core) for more
 * than this share of the time: a spinning worker is runnable all the time,
 * however little CPU a starved machine gives it; a waiting one only for its
 * few wake-ups.
 */
const RUNNABLE_SHARE = 0.5;
/**
 * ...while using at least this share of a core: a spinner starved below it
 * would be on a machine fifty times over its capacity. A worker that wanted
 * the CPU all along yet used next to none was waiting on a stalled machine,
 * not spinning (seen once in CI: 9.1 s wanted, 0.04 s used).
 */
const SPIN_FLOOR = 0.02;
/** The shortest idle stretch judged: the worker that did not take the re-run is kept without a task this long. */
const IDLE_MIN_MS = 3_000;

/**
 * While the straggler holds its map task (one of the job's `maps`), the
 * other workers have nothing to do once every other map task is done, until
 * the task is handed out again (10 s after it first was): they must wait,
 * not spin. Measures their CPU
 * time over that stretch; fails a worker that used more than a tenth of
 * what the machine can run at once (a spinning poll loop takes far more, even on a busy
 * machine; a worker that waits takes next to nothing).
 */
export async function checkIdleCpu(stage: Stage, idle: Proc[], held: Hold, maps: number): Promise<void> {
  const job = stage.job;
  const input = held.input!;
  const from = await stage.until(`the other ${maps - 1} map tasks to be done`, () => {
    const done = new Set<string>();
    for (const w of idle) {
      const lines = stage.lines(w);
      lines.forEach((l, i) => {
        if (l.e.event !== 'end' || l.e.phase !== 'map' || l.e.input === input) return;
        if (lines.slice(i).some((x) => x.e.event === 'call')) done.add(String(l.e.input)); // and reported
      });
    }
    if (done.size >= maps - 1 || stage.startedMap(input, held.proc).length) return Date.now();
    if (idle.every((w) => !w.alive)) return Date.now(); // the end checks say why
    return undefined;
  });
  const sample = (w: Proc) => ({ cpu: cpuTimeMs(w.pid), wanted: runnableMs(w.pid) });
  const before = idle.map(sample);
  // Whoever takes the re-run holds before its map call: the other stays without a task for as long as it is
  // measured, however late (on a loaded machine) the other maps ended. No idle stretch is ever too short to judge.
  stage.arm('map', input);
  await stage.until(`the map task of ${input} to be handed to another worker`, () =>
    stage.startedMap(input, held.proc).length || idle.every((w) => !w.alive) ? true : undefined,
  );
  const handedAt = Date.now();
  const takers = new Set(stage.startedMap(input, held.proc).map((t) => t.proc));
  const atHandOut = idle.map(sample);
  if (handedAt - from < IDLE_MIN_MS) await sleep(from + IDLE_MIN_MS - handedAt);
  const atEnd = idle.map((w, i) => (takers.has(w) ? atHandOut[i] : sample(w)));
  const endedAt = Date.now();
  stage.disarm('map', input, 'the idle workers have been measured', held.proc);
  const capacity = cpuCapacity();
  idle.forEach((w, i) => {
    const [start, after] = [before[i], atEnd[i]];
    if (after.cpu === undefined || start.cpu === undefined) return; // gone: the end checks say why
    const span = (takers.has(w) ? handedAt : endedAt) - from;
    if (span < IDLE_MIN_MS) return; // the taker, handed the task early: the other worker is judged
    const used = after.cpu - start.cpu;
    const wanted = after.wanted !== undefined && start.wanted !== undefined ? after.wanted - start.wanted : undefined;
    stage.tell(
      `${who(w)} used ${(used / 1000).toFixed(2)} s of CPU in the ${fmtSeconds(span)} it had no task` +
        (wanted === undefined ? '' : `, and wanted it (running or waiting to run) for ${(wanted / 1000).toFixed(2)} s`),
    );
    if (isSpinning({ usedMs: used, wantedMs: wanted, spanMs: span, capacity })) {
      fail(
        `${who(w)} used ${(used / 1000).toFixed(1)} s of CPU time in the ${fmtSeconds(span)} it had no task to do ` +
          `(${at(job, from)} to ${at(job, from + span)}: ${Math.round((used / span) * 100)}% of a core; this machine runs ${capacity} at once)` +
          (wanted === undefined
            ? ''
            : `, and wanted the CPU ${Math.round((wanted / span) * 100)}% of that time, running or waiting to run`) +
          ': a worker with nothing to do must wait (sleep between requests, or let the coordinator hold the request), not spin',
      );
    }
  });
}

/** Whether a worker with no task, which used `usedMs` of CPU and wanted it `wantedMs` over `spanMs`, spun. */
export function isSpinning(m: { usedMs: number; wantedMs?: number; spanMs: number; capacity: number }): boolean {
  const used = m.usedMs / m.spanMs;
  if (used > Math.max(0.1, IDLE_SHARE * m.capacity)) return true;
  return m.wantedMs !== undefined && m.wantedMs / m.spanMs > RUNNABLE_SHARE && used >= SPIN_FLOOR;
}
