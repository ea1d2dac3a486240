// Starting a measured process: through the grader's Registry (its own
// process group, a time limit, killed with everything else at the end),
// timed from just before the spawn, with its peak resident memory taken
// both from /proc (sampled) and from the RSS preload's report at exit.

import * as fs from 'fs';
import { Registry } from '../../grader/core/processes';
import type { ExitUsage } from './rss-preload';

export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  ms: number; // from spawn to exit
  timedOut: boolean;
  peakRssBytes?: number; // the larger of the exit report and the sampled VmHWM
  cpuMs?: number; // user + system CPU time, from the exit report
  output: string; // stdout and stderr (their head)
}

export interface Measured {
  pid: number;
  startedAt: number; // performance.now() just before the spawn
  done: Promise<Finished>;
  kill(): void;
  /** Sends a signal to the whole process group (the grader gets SIGTERM so that it ends its own). */
  signal(signal: NodeJS.Signals): void;
}

export interface MeasureOptions {
  role: string;
  cwd: string;
  env?: NodeJS.ProcessEnv;
  limitMs: number;
  /** The compiled RSS preload (node --require), and the file it reports to. */
  preload?: { module: string; reportTo: string };
  /** $MR_TRACE for the process: only where the trace is what is measured (shuffle.ts), as it slows the run. */
  trace?: string;
}

/** Starts `node args...`, with the RSS preload when asked for. */
export function startNode(registry: Registry, args: string[], opts: MeasureOptions): Measured {
  const env = { ...process.env, ...opts.env };
  delete env.MR_TRACE; // a trace would slow the run it measures, unless it is what is measured
  if (opts.trace) env.MR_TRACE = opts.trace;
  if (opts.preload) env.MR_BENCH_RSS_FILE = opts.preload.reportTo;
  const nodeArgs = opts.preload ? ['--require', opts.preload.module, ...args] : args;
  return start(registry, process.execPath, nodeArgs, { ...opts, env });
}

/** Starts a command, sampling its VmHWM every 50 ms. */
export function start(registry: Registry, command: string, args: string[], opts: MeasureOptions): Measured {
  const startedAt = performance.now();
  const proc = registry.spawn({
    role: opts.role,
    command,
    args,
    cwd: opts.cwd,
    env: opts.env,
    limitMs: opts.limitMs,
    echo: false,
    capture: true,
  });
  let sampled = 0;
  const sampler = setInterval(() => (sampled = Math.max(sampled, readHwm(proc.pid))), 50);
  const done = proc.exited.then((exit): Finished => {
    const ms = performance.now() - startedAt;
    clearInterval(sampler);
    const usage = opts.preload ? readUsage(opts.preload.reportTo) : undefined;
    const peak = Math.max(sampled, usage?.maxRssBytes ?? 0);
    return {
      code: exit.code,
      signal: exit.signal,
      ms,
      timedOut: proc.timedOut,
      peakRssBytes: peak > 0 ? peak : undefined,
      cpuMs: usage?.cpuMs,
      output: proc.output(),
    };
  });
  return {
    pid: proc.pid,
    startedAt,
    done,
    kill: () => proc.kill('stopped by the benchmark'),
    signal: (signal) => void proc.signal(signal, 'the benchmark is ending'),
  };
}

function readUsage(file: string): ExitUsage | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as ExitUsage;
  } catch {
    return undefined; // killed before its exit handler ran
  }
}

/** VmHWM (peak resident set) of a live process, in bytes; 0 when unknown. */
function readHwm(pid: number): number {
  try {
    const m = /^VmHWM:\s+(\d+)\s+kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** One line on how a process ended: "exit status 1: <its last line>", "timed out". */
export function describeEnd(f: Finished): string {
  if (f.timedOut) return 'timed out';
  const why = f.signal ? `killed by ${f.signal}` : `exit status ${f.code}`;
  const last = f.output.trim().split('\n').slice(-1)[0];
  return last ? `${why}: ${last}` : why;
}
