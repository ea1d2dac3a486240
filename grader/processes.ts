// Every process the grader starts: each in its own process group, with a
// time limit, its output captured to a log file (and echoed unless quiet),
// and a registry from which all of them can be killed at once, whatever
// ends the grader (a result, Ctrl-C, SIGTERM or an exception).

import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

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
}

/** When a chunk of output arrived: `bytes` more bytes of the log file, from stdout or stderr. */
export interface OutputStamp {
  at: number;
  stream: 'out' | 'err';
  bytes: number;
}

const MAX_STAMPS = 200_000; // beyond this, later chunks are counted into the last stamp

export interface SpawnOptions {
  role: string; // "coordinator", "worker 2", "mrsequential wc", "tsc"
  command: string;
  args: string[];
  cwd: string;
  env?: NodeJS.ProcessEnv;
  limitMs: number; // killed (SIGKILL, whole group) after this long
  logDir?: string; // output goes to <logDir>/<logName>-<pid>.log (stdout and stderr interleaved)
  logName?: string;
  echo: boolean; // also copy the output to the grader's stdout/stderr
  capture?: boolean; // keep the output in memory (see Proc.output)
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

  constructor(
    readonly role: string,
    readonly pid: number,
    exited: Promise<ExitInfo>,
    readonly logFile: string | undefined,
    readonly limitMs: number,
  ) {
    this.exited = exited.then((info) => (this.exit = info));
  }

  get alive(): boolean {
    return this.exit === undefined;
  }

  /** The captured output (only with capture: true). */
  output(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }

  /** @internal */
  addOutput(chunk: Buffer): void {
    this.chunks.push(chunk);
  }

  /** @internal */
  addStamp(stream: 'out' | 'err', bytes: number): void {
    const last = this.stamps[this.stamps.length - 1];
    if (this.stamps.length >= MAX_STAMPS && last.stream === stream) last.bytes += bytes;
    else this.stamps.push({ at: Date.now(), stream, bytes });
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

  /** The last lines of its log, for a diagnosis. */
  tail(lines = 3): string[] {
    if (!this.logFile) return [];
    try {
      const text = fs.readFileSync(this.logFile, 'utf8').trimEnd();
      return text ? text.split('\n').slice(-lines) : [];
    } catch {
      return [];
    }
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
    const child = spawn(opts.command, opts.args, {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      detached: true, // own process group: killed as a whole, and Ctrl-C reaches only the grader
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    if (child.pid === undefined) {
      throw new Error(`cannot start ${opts.role} (${opts.command})`);
    }
    const pid = child.pid;
    const logFile = opts.logDir ? path.join(opts.logDir, `${opts.logName ?? 'process'}-${pid}.log`) : undefined;
    const log = logFile ? fs.openSync(logFile, 'a') : undefined;
    let timer: NodeJS.Timeout | undefined;
    let proc!: Proc;

    const exited = new Promise<ExitInfo>((resolve) => {
      const done = (code: number | null, signal: NodeJS.Signals | null): void => {
        if (timer) clearTimeout(timer);
        resolve({ code, signal, at: Date.now() });
      };
      child.once('exit', done);
      child.once('error', () => done(127, null)); // could not run at all
    });
    proc = new Proc(opts.role, pid, exited, logFile, opts.limitMs);
    this.live.add(proc);
    this.pids.push(pid);
    void proc.exited.then(() => this.live.delete(proc));

    const onData = (stream: NodeJS.WriteStream) => (chunk: Buffer) => {
      if (log !== undefined) {
        try {
          fs.writeSync(log, chunk);
          proc.addStamp(stream === process.stdout ? 'out' : 'err', chunk.length);
        } catch {
          // the test dir may be gone after an interrupt
        }
      }
      if (opts.capture) proc.addOutput(chunk);
      if (opts.echo) stream.write(chunk);
    };
    child.stdout!.on('data', onData(process.stdout));
    child.stderr!.on('data', onData(process.stderr));
    if (log !== undefined) {
      child.once('close', () => {
        try {
          fs.closeSync(log);
        } catch {
          // already closed
        }
      });
    }

    timer = setTimeout(() => {
      proc.timedOut = true;
      proc.kill('time limit');
    }, opts.limitMs);
    return proc;
  }

  /** Kills every process group still running. Safe to call at any time, also from an exit handler. */
  killAll(): void {
    for (const proc of this.live) proc.kill('the grader is ending');
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

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
