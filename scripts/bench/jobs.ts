// Running one MapReduce job the way a user does: mrsequential, or a
// coordinator and N workers over a unix socket, each measured (time, peak
// RSS, CPU), the output checked against mrsequential's.

import * as fs from 'fs';
import * as path from 'path';
import { Corpus } from './corpora';
import { describeEnd, Measured, startNode } from './measure';
import { Session } from './session';
import { runFolder, Stage } from './staging';
import { waitUntilAccepting } from '../../src/kit/endpoint';

export interface JobResult {
  workers: number;
  ms: number; // coordinator start -> coordinator exit
  acceptMs?: number; // coordinator start -> endpoint accepts
  workersDoneMs?: number; // coordinator start -> last worker exit
  correct: boolean;
  problem?: string;
  coordinatorPeakRssBytes?: number;
  workerPeakRssBytes: (number | undefined)[];
  cpuMs?: number; // CPU time of the coordinator and all workers together
  parallelism?: number; // cpuMs / ms: how many cores were busy on average
  speedupVsOneWorker?: number;
  speedupVsSequential?: number;
}

export interface SequentialResult {
  ms: number;
  peakRssBytes?: number;
  cpuMs?: number;
  ok: boolean;
  problem?: string;
}

/** A worker started beyond the usual: options before the app (the challenge track's), and a trace file. */
export interface WorkerExtras {
  options: string[];
  trace?: string;
}

/** Workers notice the end of the job within a few seconds; past this they are stuck. */
const WORKER_GRACE_MS = 15_000;

/** mrsequential on the corpus; `expected` is its output (sorted lines), the reference for the jobs. */
export async function runSequential(
  session: Session,
  stage: Stage,
  corpus: Corpus,
  limitMs: number,
): Promise<{ result: SequentialResult; expected: string }> {
  const dir = runFolder(stage);
  try {
    const p = startNode(session.registry, [stage.sequential, 'wc', ...corpus.files], {
      role: 'mrsequential',
      cwd: dir,
      limitMs,
      preload: preloadFor(stage, dir, 'seq'),
    });
    const f = await p.done;
    const ok = f.code === 0 && !f.timedOut;
    return {
      result: {
        ms: f.ms,
        peakRssBytes: f.peakRssBytes,
        cpuMs: f.cpuMs,
        ok,
        problem: ok ? undefined : `mrsequential: ${describeEnd(f)}`,
      },
      expected: ok ? outputOf(dir) : '',
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * A coordinator and `workers` workers on the corpus; the workers start once
 * the coordinator accepts, each with extras(w) when given.
 */
export async function runJob(
  session: Session,
  stage: Stage,
  corpus: Corpus,
  workers: number,
  expected: string,
  limitMs: number,
  extras?: (w: number) => WorkerExtras,
): Promise<JobResult> {
  const dir = runFolder(stage);
  const socket = path.join(stage.sockets, `${path.basename(dir)}.sock`);
  const result: JobResult = { workers, ms: NaN, correct: false, workerPeakRssBytes: [] };
  const started: Measured[] = [];
  try {
    const coordinator = startNode(session.registry, [stage.coordinator, '--endpoint', socket, ...corpus.files], {
      role: 'coordinator',
      cwd: dir,
      limitMs,
      preload: preloadFor(stage, dir, 'c'),
    });
    started.push(coordinator);
    const accepting = await Promise.race([
      waitUntilAccepting(socket, 30_000, { everyMs: 5 }),
      coordinator.done.then(() => false),
    ]);
    if (!accepting) {
      coordinator.kill();
      const f = await coordinator.done;
      result.problem = `the coordinator never accepted a connection (${describeEnd(f)})`;
      return result;
    }
    result.acceptMs = performance.now() - coordinator.startedAt;
    const ws: Measured[] = [];
    for (let w = 0; w < workers; w++) {
      const extra = extras?.(w);
      ws.push(
        startNode(session.registry, [stage.worker, '--endpoint', socket, ...(extra?.options ?? []), 'wc'], {
          role: `worker ${w}`,
          cwd: dir,
          limitMs,
          preload: preloadFor(stage, dir, `w${w}`),
          trace: extra?.trace,
        }),
      );
    }
    started.push(...ws);
    const c = await coordinator.done;
    result.ms = c.ms;
    result.coordinatorPeakRssBytes = c.peakRssBytes;
    const grace = setTimeout(() => ws.forEach((w) => w.kill()), WORKER_GRACE_MS);
    const wf = await Promise.all(ws.map((w) => w.done));
    clearTimeout(grace);
    result.workersDoneMs = Math.max(...wf.map((f, i) => ws[i].startedAt + f.ms - coordinator.startedAt));
    result.workerPeakRssBytes = wf.map((f) => f.peakRssBytes);
    if (c.cpuMs !== undefined && wf.every((f) => f.cpuMs !== undefined)) {
      result.cpuMs = c.cpuMs + wf.reduce((sum, f) => sum + f.cpuMs!, 0);
      result.parallelism = result.cpuMs / result.ms;
    }
    if (c.code !== 0 || c.timedOut) {
      result.problem = `coordinator: ${describeEnd(c)}`;
      return result;
    }
    result.correct = outputOf(dir) === expected;
    if (!result.correct) result.problem = 'the output differs from mrsequential';
    return result;
  } finally {
    started.forEach((s) => s.kill());
    await Promise.all(started.map((s) => s.done));
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The preload's report goes outside the run's folder, which holds only what the job writes. */
function preloadFor(stage: Stage, runDir: string, who: string): { module: string; reportTo: string } {
  return { module: stage.preload, reportTo: path.join(stage.usage, `${path.basename(runDir)}-${who}.json`) };
}

/** The job's mr-out-* files as one text of sorted lines: comparable whatever the number of reduce tasks. */
function outputOf(dir: string): string {
  let text = '';
  for (const name of fs.readdirSync(dir)) {
    if (name.startsWith('mr-out')) text += fs.readFileSync(path.join(dir, name), 'utf8');
  }
  return text
    .split('\n')
    .filter((l) => l !== '')
    .sort()
    .join('\n');
}
