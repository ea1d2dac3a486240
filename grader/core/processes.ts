// Every process the grader starts: each in its own process group, with a
// time limit, its output captured to a log file (and echoed unless quiet),
// and a registry from which all of them can be killed at once, whatever
// ends the grader (a result, Ctrl-C, SIGTERM or an exception). A student's
// process starts inside its test's cell (sandbox/cell.ts). What it prints is
// kept only up to a head and a tail (output-capture.ts), so no amount of
// output can fill the grader's memory or the disk.

import { spawn } from 'child_process';
import * as path from 'path';
import { openFresh, readCapped } from '../sandbox/files';
import { Cell } from '../sandbox/cell';
import { sleep } from '../../src/kit/time';
import { captureOutput, LOG_HEAD, LOG_TAIL, type OutputStamp } from './output-capture';

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
  at: number; // Date.now() when the exit was seen
}

/** A signal the grader sent to a process (group), for the timeline. */
export interface SignalRecord {
  signal: NodeJS.Signals;
  at: number; // Date.now()
  why: string; // "time limit", "end of test", ...
  /** No signal: a forced schedule held the process (SIGSTOP) or released it (SIGCONT). */
  staged?: boolean;
}

/** How long a process told to stop by its time limit (limitSignal) has before SIGKILL. */
const LIMIT_GRACE_MS = 5_000;

export interface SpawnOptions {
  role: string; // "coordinator", "worker 2", "tsc": who it is, in diagnoses
  command: string;
  args: string[];
  cwd: string;
  env?: NodeJS.ProcessEnv;
  limitMs: number; // killed (SIGKILL, whole group) after this long
  /**
   * The signal its time limit sends instead of SIGKILL: a grader given SIGTERM
   * still cleans up after itself. SIGKILL follows if it has not ended 5 s later.
   */
  limitSignal?: NodeJS.Signals;
  logDir?: string; // output goes to <logDir>/<logName>-<pid>.log (stdout and stderr interleaved)
  logName?: string;
  echo: boolean; // also copy the output to the grader's stdout/stderr
  capture?: boolean; // keep the output in memory (see Proc.output), up to LOG_HEAD bytes
  cell?: Cell; // a student's process: started inside this test's cell
  netns?: string; // in the cell, on this "host" (a network namespace of sandbox/netns.ts)
  /** Turns the build's paths in its output into the student's (for diagnoses). */
  relabel?: (text: string) => string;
  /** Called once when the process has printed more than its cell's output budget. */
  onFlood?: (proc: Proc, reason: string) => void;
}

/** A started process. */
export class Proc {
  readonly startedAt = Date.now();
  exit?: ExitInfo;
  timedOut = false;
  readonly exited: Promise<ExitInfo>;
  /** Every signal the grader sent it, in order. */
  readonly signals: SignalRecord[] = [];
  /** When its output arrived, chunk by chunk, in the order of its log file (for the merged log). */
  readonly stamps: OutputStamp[] = [];
  private chunks: Buffer[] = [];
  /** Bytes printed in all, and how many of them the log left out (between its head and its tail). */
  printed = 0;
  cut = 0;
  /** Resolves once its output has ended and its log file is complete (a little after `exited`). */
  readonly logged: Promise<void>;
  private markLogged!: () => void;

  constructor(
    readonly role: string,
    readonly pid: number,
    exited: Promise<ExitInfo>,
    readonly logFile: string | undefined,
    readonly limitMs: number,
    private readonly relabel: (text: string) => string = (t) => t,
  ) {
    this.exited = exited.then((info) => (this.exit = info));
    this.logged = new Promise((resolve) => (this.markLogged = resolve));
  }

  /** @internal: its output streams have closed and its log is written. */
  outputEnded(): void {
    this.markLogged();
  }

  get alive(): boolean {
    return this.exit === undefined;
  }

  /** The captured output (only with capture: true; the first LOG_HEAD bytes). */
  output(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }

  /** @internal */
  addOutput(chunk: Buffer): void {
    this.chunks.push(chunk);
  }

  /** Kills the process's whole group, unless it has already exited (its pid may be reused then). */
  kill(why = 'stopped by the grader'): void {
    this.signal('SIGKILL', why);
  }

  /** Sends a signal to the process's whole group and records it; false if it has already exited. */
  signal(signal: NodeJS.Signals, why: string): boolean {
    if (!this.alive) return false;
    this.signals.push({ signal, at: Date.now(), why });
    try {
      process.kill(-this.pid, signal);
      return true;
    } catch {
      return false; // already gone
    }
  }

  /**
   * What a diagnosis shows of its log: where it crashed, the error's line
   * and the first stack frame in the student's own files; otherwise its
   * last lines.
   */
  tail(lines = 3): string[] {
    if (!this.logFile) return [];
    const text = this.relabel(readCapped(this.logFile, LOG_HEAD + LOG_TAIL + 4096)?.text.trimEnd() ?? '');
    if (!text) return [];
    const short = (l: string): string => (l.length > 300 ? `${l.slice(0, 297)}...` : l);
    const all = text.split('\n');
    const firstFrame = all.findIndex((l) => /^\s+at /.test(l));
    if (firstFrame > 0) {
      // The error's own line is the last line before the frames that is not a source excerpt.
      let at = firstFrame - 1;
      while (at > 0 && !/\w+(Error|Exception)\b|^Error|^\w+:/.test(all[at])) at--;
      const own = all
        .slice(firstFrame)
        .find((l) => /^\s+at /.test(l) && /src\/mr\/|\.ts:\d+/.test(l) && !/node_modules|node:internal/.test(l));
      return [all[at], ...(own ? [own.trim()] : [])].map(short);
    }
    return all.slice(-lines).map(short);
  }

  /** "exited with status 1", "was killed by SIGKILL", "is still running". */
  describeExit(): string {
    if (!this.exit) return 'is still running';
    if (this.timedOut) return `ran past its ${fmtSeconds(this.limitMs)} limit and was killed`;
    if (this.exit.signal) return `was killed by ${this.exit.signal}`;
    return `exited with status ${this.exit.code}`;
  }
}

/** The grader's record of its processes. One per grader process. */
export class Registry {
  private readonly live = new Set<Proc>();
  /** The pid of every process ever started, for the --json report. */
  readonly pids: number[] = [];
  private closed = false;

  spawn(opts: SpawnOptions): Proc {
    if (this.closed) throw new Error('the grader is shutting down');
    const how = opts.cell
      ? opts.cell.command(opts.command, opts.args, { netns: opts.netns })
      : { command: opts.command, args: opts.args };
    const child = spawn(how.command, how.args, {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      detached: true, // own process group: killed as a whole, and Ctrl-C reaches only the grader
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(how.uid !== undefined ? { uid: how.uid, gid: how.gid } : {}),
    });
    if (child.pid === undefined) {
      throw new Error(`cannot start ${opts.role} (${opts.command})`);
    }
    const pid = child.pid;
    opts.cell?.started(pid);
    const logFile = opts.logDir ? path.join(opts.logDir, `${opts.logName ?? 'process'}-${pid}.log`) : undefined;
    const log = logFile ? openFresh(logFile) : undefined;
    let timer: NodeJS.Timeout | undefined; // eslint-disable-line prefer-const -- set below, once the process is known

    const exited = new Promise<ExitInfo>((resolve) => {
      const done = (code: number | null, signal: NodeJS.Signals | null): void => {
        if (timer) clearTimeout(timer);
        resolve({ code, signal, at: Date.now() });
      };
      child.once('exit', done);
      child.once('error', () => done(127, null)); // could not run at all
    });
    const proc = new Proc(opts.role, pid, exited, logFile, opts.limitMs, opts.relabel);
    this.live.add(proc);
    this.pids.push(pid);
    void proc.exited.then(() => this.live.delete(proc));

    captureOutput(child, proc, log, opts);

    timer = setTimeout(() => {
      proc.timedOut = true;
      proc.signal(opts.limitSignal ?? 'SIGKILL', 'time limit');
      if (opts.limitSignal) setTimeout(() => proc.kill('time limit, and still running'), LIMIT_GRACE_MS).unref();
    }, opts.limitMs);
    return proc;
  }

  /** Kills every process group still running. Safe to call at any time, also from an exit handler. */
  killAll(): void {
    this.signalAll('SIGKILL', 'the grader is ending');
  }

  /** Sends a signal to every process group still running. */
  signalAll(signal: NodeJS.Signals, why: string): void {
    for (const proc of this.live) proc.signal(signal, why);
  }

  /** Resolves when every killed process has been reaped, or after `ms`. */
  async settle(ms: number): Promise<void> {
    await Promise.race([Promise.all([...this.live].map((p) => p.exited)), sleep(ms)]);
  }

  /** Kills everything and refuses to start more. */
  close(): void {
    this.closed = true;
    this.killAll();
  }
}

export function fmtSeconds(ms: number): string {
  const s = ms / 1000;
  return `${Number.isInteger(s) ? s : s.toFixed(1)} s`;
}

export { sleep };
