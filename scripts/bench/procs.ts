// Processes started by the benchmark: each in its own process group, with a
// time limit, its peak resident memory measured, and all of them killable
// at once (by pid) whatever ends the benchmark.

import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';

export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  ms: number; // from spawn to exit
  timedOut: boolean;
  peakRssBytes?: number; // the larger of the exit report and the sampled VmHWM
  cpuMs?: number; // user + system CPU time, from the exit report
  output: string; // stdout + stderr, the last 64 KB
}

export interface Started {
  pid: number;
  startedAt: number; // performance.now() just before spawn
  done: Promise<Finished>;
  kill(): void;
}

const live = new Set<ChildProcess>();

/** Kills every process group the benchmark started that is still running. */
export function killAll(): void {
  for (const child of live) killGroup(child);
  live.clear();
}

function killGroup(child: ChildProcess): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/**
 * A preload (node -r) that writes the process's own peak RSS and CPU time
 * to $MR_BENCH_RSS_FILE when it exits: exact, where sampling /proc can miss
 * the last moments. SIGKILL skips it; the /proc samples remain then.
 */
export const PRELOAD_SOURCE = `'use strict';
const fs = require('fs');
const file = process.env.MR_BENCH_RSS_FILE;
if (file) {
  delete process.env.MR_BENCH_RSS_FILE;
  process.on('exit', () => {
    const u = process.resourceUsage();
    const report = { maxRssBytes: u.maxRSS * 1024, cpuMs: (u.userCPUTime + u.systemCPUTime) / 1000 };
    try { fs.writeFileSync(file, JSON.stringify(report)); } catch (e) {}
  });
}
`;

export interface RunOptions {
  cwd: string;
  env?: NodeJS.ProcessEnv;
  limitMs: number;
  preload?: string; // path of PRELOAD_SOURCE written to a file
  rssFile?: string; // where the preload writes the peak RSS
}

/** Starts `node args...` in its own process group. */
export function startNode(args: string[], opts: RunOptions): Started {
  const nodeArgs = opts.preload ? ['-r', opts.preload, ...args] : args;
  const env = { ...process.env, ...opts.env };
  delete env.MR_TRACE;
  if (opts.rssFile) env.MR_BENCH_RSS_FILE = opts.rssFile;
  return start(process.execPath, nodeArgs, { ...opts, env });
}

/** Starts a command in its own process group, sampling its VmHWM every 50 ms. */
export function start(command: string, args: string[], opts: RunOptions): Started {
  const startedAt = performance.now();
  const child = spawn(command, args, {
    cwd: opts.cwd,
    env: opts.env ?? process.env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(child);
  let output = '';
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString('utf8')).slice(-65536);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);

  let sampled = 0;
  const sample = (): void => {
    if (child.pid !== undefined) sampled = Math.max(sampled, readHwm(child.pid));
  };
  const sampler = setInterval(sample, 50);
  let timedOut = false;
  const limit = setTimeout(() => {
    timedOut = true;
    killGroup(child);
  }, opts.limitMs);

  const done = new Promise<Finished>((resolve) => {
    let spawnError = '';
    child.on('error', (err) => {
      spawnError = err.message;
    });
    child.on('close', (code, signal) => {
      const ms = performance.now() - startedAt;
      clearInterval(sampler);
      clearTimeout(limit);
      live.delete(child);
      let reported = 0;
      let cpuMs: number | undefined;
      if (opts.rssFile) {
        try {
          const r = JSON.parse(fs.readFileSync(opts.rssFile, 'utf8')) as { maxRssBytes: number; cpuMs: number };
          reported = r.maxRssBytes || 0;
          cpuMs = r.cpuMs;
        } catch {
          reported = 0;
        }
      }
      const peak = Math.max(sampled, reported);
      resolve({
        code,
        signal,
        ms,
        timedOut,
        peakRssBytes: peak > 0 ? peak : undefined,
        cpuMs,
        output: spawnError ? `${output}\n${spawnError}` : output,
      });
    });
  });
  return {
    pid: child.pid ?? -1,
    startedAt,
    done,
    kill: () => killGroup(child),
  };
}

/** VmHWM (peak resident set) of a live process, in bytes; 0 when unknown. */
export function readHwm(pid: number): number {
  try {
    const m = /^VmHWM:\s+(\d+)\s+kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** Resolves true once a unix socket accepts a connection, false after limitMs. */
export async function waitForSocket(socket: string, limitMs: number, everyMs = 5): Promise<boolean> {
  const until = performance.now() + limitMs;
  while (performance.now() < until) {
    if (await canConnect(socket)) return true;
    await sleep(everyMs);
  }
  return false;
}

function canConnect(socket: string): Promise<boolean> {
  return new Promise((resolve) => {
    const c = net.connect(socket);
    c.once('connect', () => {
      c.destroy();
      resolve(true);
    });
    c.once('error', () => {
      c.destroy();
      resolve(false);
    });
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
