// Running the kit's compiled scripts (dist/) as processes. Every process a
// test starts in the background is tracked, and killAll() ends them by pid.

import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';
import execa = require('execa');
import { waitUntilAccepting } from '../../src/kit/endpoint';

export const ROOT = path.resolve(__dirname, '..', '..');

/** The compiled file for a path in the repository, e.g. dist('src/main/mrworker.js'). */
export function dist(relative: string): string {
  const file = path.join(ROOT, 'dist', relative);
  if (!fs.existsSync(file)) throw new Error(`${file} is missing: run npm run build first`);
  return file;
}

export interface RunResult {
  exitCode: number;
  signal?: string;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

export interface RunOptions {
  cwd?: string;
  env?: Record<string, string | undefined>;
  timeoutMs?: number;
  input?: string;
  /** Run as this user and group (only root may). */
  uid?: number;
  gid?: number;
}

/** Runs `node script args...` to the end (killed with SIGKILL after timeoutMs). */
export async function runNode(script: string, args: string[], options: RunOptions = {}): Promise<RunResult> {
  const result = await execa(process.execPath, [script, ...args], {
    cwd: options.cwd,
    env: options.env,
    input: options.input,
    uid: options.uid,
    gid: options.gid,
    reject: false,
    timeout: options.timeoutMs ?? 30_000,
    killSignal: 'SIGKILL',
    stripFinalNewline: false,
  });
  return {
    exitCode: result.exitCode,
    signal: result.signal,
    stdout: result.stdout,
    stderr: result.stderr,
    timedOut: result.timedOut,
  };
}

/** The processes a test started in the background; killAll() in afterEach. */
export class Processes {
  private readonly children: execa.ExecaChildProcess[] = [];

  /** Starts `node script args...` in the background. */
  startNode(script: string, args: string[], options: RunOptions = {}): execa.ExecaChildProcess {
    return this.start(process.execPath, [script, ...args], options);
  }

  /** Starts a command in the background, in a process group of its own. */
  protected start(
    command: string,
    args: string[],
    options: RunOptions & { extendEnv?: boolean } = {},
  ): execa.ExecaChildProcess {
    const child = execa(command, args, {
      cwd: options.cwd,
      env: options.env,
      extendEnv: options.extendEnv ?? true,
      detached: true, // killAll() ends the whole group, whatever the command started
      reject: false,
      stripFinalNewline: false,
    });
    // execa 5 reads a child's output only once its promise is used: use it
    // now, or output of a child that exits early can be lost.
    child.catch(() => undefined);
    this.children.push(child);
    return child;
  }

  /** Sends SIGKILL to the process group of every started process still running, and waits for each to end. */
  async killAll(): Promise<void> {
    const children = this.children.splice(0);
    for (const child of children) {
      // A group whose leader is gone is not signalled, in case its id has been reused.
      if (!child.pid || !running(child)) continue;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // the whole group has exited already
      }
    }
    await Promise.all(children.map((child) => child.catch(() => undefined)));
  }
}

/** True while a started process has not exited. */
export function running(child: execa.ExecaChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}

/** Waits for a promise (a started process, say), failing with `message` after limitMs. */
export async function withLimit<T>(promise: Promise<T>, limitMs: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${message} within ${limitMs} ms`)), limitMs);
  });
  try {
    return await Promise.race([promise, limit]);
  } finally {
    clearTimeout(timer);
  }
}

/** The one line a driver prints for bad input, or a failure listing every line. */
export function oneLine(stderr: string): string {
  const lines = stderr.split('\n').filter((line) => line.trim() !== '');
  if (lines.length !== 1) throw new Error(`expected one line on stderr, got ${lines.length}:\n${stderr}`);
  return lines[0];
}

/** Resolves once something accepts connections on the endpoint (a socket path or host:port). */
export async function waitForEndpoint(endpoint: string, timeoutMs = 20_000, alive?: () => boolean): Promise<void> {
  if (await waitUntilAccepting(endpoint, timeoutMs, { everyMs: 100, alive })) return;
  if (alive && !alive()) throw new Error(`the server for ${endpoint} exited before it accepted connections`);
  throw new Error(`nothing accepted connections on ${endpoint} within ${timeoutMs} ms`);
}

/** A TCP port nothing listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

export interface GroupRun {
  pid: number;
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** stdout and stderr interleaved as they came. */
  output: string;
  ms: number;
}

export interface GroupOptions {
  cwd?: string;
  env?: Record<string, string | undefined>;
  /** Past this, the whole group gets `limitSignal`. */
  limitMs: number;
  limitSignal?: NodeJS.Signals;
}

/**
 * Starts a command in a process group of its own, capturing its output.
 * Past its limit the whole group is signalled (what it started too), and
 * once it has exited, anything of its group still running is killed.
 */
export function startGroup(
  command: string,
  args: string[],
  options: GroupOptions,
): { child: execa.ExecaChildProcess; done: Promise<GroupRun> } {
  const t0 = Date.now();
  const child = execa(command, args, {
    cwd: options.cwd,
    env: options.env,
    detached: true,
    all: true,
    reject: false,
    stripFinalNewline: false,
  });
  const signalGroup = (signal: NodeJS.Signals): void => {
    try {
      process.kill(-child.pid!, signal);
    } catch {
      // the whole group has gone
    }
  };
  const timer = setTimeout(() => signalGroup(options.limitSignal ?? 'SIGKILL'), options.limitMs);
  const done = child.then((result) => {
    clearTimeout(timer);
    signalGroup('SIGKILL'); // helpers it left behind
    return {
      pid: child.pid!,
      code: result.exitCode ?? null,
      signal: (result.signal as NodeJS.Signals | undefined) ?? null,
      stdout: result.stdout,
      stderr: result.stderr,
      output: result.all ?? '',
      ms: Date.now() - t0,
    };
  });
  return { child, done };
}

/** True while a process with this pid exists (a zombie counts as gone). */
export function isAlive(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}
