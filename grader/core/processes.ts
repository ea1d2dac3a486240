// Every process the grader starts: each in its own process group, with a
// time limit, its output captured to a log file (and echoed unless quiet),
// and a registry from which all of them can be killed at once, whatever
// ends the grader (a result, Ctrl-C, SIGTERM or an exception). A student's
// process starts inside its test's cell (sandbox/cell.ts), and what it prints is
// kept only up to a head and a tail, so no amount of output can fill the
// grader's memory or the disk.

import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { openFresh, readCapped } from '../sandbox/files';
import { formatBytes } from '../sandbox/budgets';
import { Cell } from '../sandbox/cell';
import { sleep } from '../../src/kit/time';

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

/** When a chunk of output arrived: `bytes` more bytes of the log file, from stdout or stderr. */
export interface OutputStamp {
  at: number;
  stream: 'out' | 'err';
  bytes: number;
}

const MAX_STAMPS = 200_000; // beyond this, later chunks are counted into the last stamp
/** Of a process's output, the log keeps the first LOG_HEAD bytes and the last LOG_TAIL. */
export const LOG_HEAD = 256 * 1024;
export const LOG_TAIL = 64 * 1024;
/** How long a process told to stop by its time limit (limitSignal) has before SIGKILL. */
const LIMIT_GRACE_MS = 5_000;

export interface SpawnOptions {
  role: string; // "coordinator", "worker 2", "mrsequential wc", "tsc"
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

    // The head of the output goes to the log (and the console) as it comes;
    // past it, only the last LOG_TAIL bytes are kept, and written at the end.
    const tail: Buffer[] = [];
    let tailBytes = 0;
    const limit = opts.cell?.budgets.outputBytes ?? Infinity;
    const onData = (stream: NodeJS.WriteStream) => (chunk: Buffer) => {
      const before = proc.printed;
      proc.printed += chunk.length;
      const head = before < LOG_HEAD ? chunk.subarray(0, LOG_HEAD - before) : undefined;
      if (head && head.length) {
        if (log !== undefined) writeLog(log, proc, stream === process.stdout ? 'out' : 'err', head);
        if (opts.capture) proc.addOutput(head);
        if (opts.echo) echo(stream, head);
        if (opts.echo && proc.printed > LOG_HEAD)
          echo(
            process.stderr,
            Buffer.from(`\n[${proc.role}'s output is cut here: the rest is in its log, head and tail]\n`),
          );
      }
      const rest = head ? chunk.subarray(head.length) : chunk;
      if (rest.length) {
        tail.push(rest);
        tailBytes += rest.length;
        while (tailBytes - tail[0].length >= LOG_TAIL) tailBytes -= tail.shift()!.length;
      }
      if (before <= limit && proc.printed > limit) {
        opts.onFlood?.(
          proc,
          `${proc.role} (pid ${pid}) printed more than ${formatBytes(limit)} (the limit for one process)`,
        );
      }
    };
    child.stdout!.on('data', onData(process.stdout));
    child.stderr!.on('data', onData(process.stderr));
    child.once('close', () => {
      if (log === undefined) {
        proc.outputEnded();
        return;
      }
      let end = Buffer.concat(tail);
      if (end.length > LOG_TAIL) end = end.subarray(end.length - LOG_TAIL);
      proc.cut = proc.printed - Math.min(proc.printed, LOG_HEAD) - end.length;
      if (end.length) {
        const note =
          proc.cut > 0
            ? `\n[... ${formatBytes(proc.cut)} of output cut by the grader (${formatBytes(proc.printed)} in all) ...]\n`
            : '';
        writeLog(log, proc, 'err', Buffer.concat([Buffer.from(note), end]));
      }
      try {
        fs.closeSync(log);
      } catch {
        // already closed
      }
      proc.outputEnded();
    });

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

function writeLog(fd: number, proc: Proc, stream: 'out' | 'err', data: Buffer): void {
  try {
    fs.writeSync(fd, data);
    proc.addStamp(stream, data.length);
  } catch {
    // the test dir may be gone after an interrupt
  }
}

/** Whether the console is at the start of a line (the grader's own lines must start on one). */
let atLineStart = true;

function echo(stream: NodeJS.WriteStream, data: Buffer): void {
  stream.write(data);
  atLineStart = data[data.length - 1] === 0x0a;
}

/** Ends a line the student's processes left open on the console, so the grader's next line starts on its own. */
export function startLine(): void {
  if (!atLineStart) process.stdout.write('\n');
  atLineStart = true;
}

export function fmtSeconds(ms: number): string {
  const s = ms / 1000;
  return `${Number.isInteger(s) ? s : s.toFixed(1)} s`;
}

export { sleep };
