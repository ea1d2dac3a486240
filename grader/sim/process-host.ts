// Graded runs: every incarnation is a process of its own (process-main.js
// of the build), driven over fd 3 with length-prefixed JSON frames; its
// stdout is ignored and its stderr kept short, for diagnosis only. The
// process is started by an injected spawn function, so the grader can start
// it behind the sandbox wall. One process is always kept started and ready
// (its context built, the kit loaded), so a restart costs no process start
// on the critical path; more spares let a whole cluster boot in parallel.

import { spawn } from 'child_process';
import * as path from 'path';
import type { Duplex, Readable } from 'stream';
import { FrameReader, writeFrame } from '../../src/labrpc/runtime/framing';
import type { Request } from '../../src/labrpc/runtime/protocol';
import type { HostedPeer, PeerCodeOptions, PeerHost } from './hosts';

export interface PeerChild {
  pid: number;
  /** The child's fd 3, both ways. */
  channel: Duplex;
  stderr: Readable | null;
  /** Ends the child (and anything it started). */
  kill(): void;
  exited: Promise<{ code: number | null; signal: string | null }>;
}

export type SpawnPeer = (argv: string[], env: Record<string, string>) => PeerChild;

export interface ProcessHostOptions extends PeerCodeOptions {
  spawn?: SpawnPeer;
  /** The peer processes' environment. */
  env?: Record<string, string>;
  /** How many processes to keep started and ready (1; a cluster's size boots it in parallel). */
  spares?: number;
  /** Real ms a step may take before the peer counts as blocked outside the simulation (STEP_LIMIT_MS). */
  stepLimitMs?: number;
}

/**
 * A step's real time past which its peer is taken to be blocked outside the
 * simulation (a real sleep, a synchronous wait or I/O: no CPU, so the
 * watchdog's CPU budget never runs out): its process is ended, and the run
 * fails, instead of waiting for ever. Honest steps take microseconds.
 */
const STEP_LIMIT_MS = 20_000;

const STDERR_KEPT = 2000;

/** Starts `node ...` in a process group of its own, fd 3 a pipe; kill() ends the group. */
export const spawnLocal: SpawnPeer = (argv, env) => {
  const child = spawn(argv[0], argv.slice(1), { stdio: ['ignore', 'ignore', 'pipe', 'pipe'], env, detached: true });
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return {
    pid: child.pid ?? -1,
    channel: child.stdio[3] as Duplex,
    stderr: child.stderr,
    exited,
    kill: () => {
      if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    },
  };
};

export class ProcessHost implements PeerHost {
  private spares: ProcessPeer[] = [];
  private readonly live = new Set<ProcessPeer>();
  /** How many processes start() keeps ready. */
  private kept: number;

  constructor(private readonly options: ProcessHostOptions) {
    this.kept = options.spares ?? 1;
  }

  /** Hands out the oldest spare (starting one if there is none) and starts the next. */
  async start(): Promise<HostedPeer> {
    const peer = this.spares.shift() ?? this.launch();
    while (this.spares.length < this.kept) this.spares.push(this.launch());
    await peer.ready;
    return peer;
  }

  /** Starts processes now, so that `count` are ready for the next start()s (a cluster's boot, in parallel). */
  prestart(count: number): void {
    while (this.spares.length < count) this.spares.push(this.launch());
  }

  /** From now on keeps `count` processes ready: ends the spares beyond it, starts the missing ones. */
  keepSpares(count: number): void {
    this.kept = count;
    while (this.spares.length > count) this.spares.pop()!.stop();
    this.prestart(count);
  }

  async close(): Promise<void> {
    const all = [...this.live];
    for (const peer of all) peer.stop();
    this.spares = [];
    await Promise.all(all.map((peer) => peer.exited));
  }

  private launch(): ProcessPeer {
    const { build, sourceRoot, cpuBudgetMs } = this.options;
    const main = path.join(build, 'src', 'labrpc', 'runtime', 'process-main.js');
    const argv = [process.execPath, main, build, sourceRoot, String(cpuBudgetMs)];
    const child = (this.options.spawn ?? spawnLocal)(argv, this.options.env ?? {});
    const peer = new ProcessPeer(child, this.options.stepLimitMs ?? STEP_LIMIT_MS);
    this.live.add(peer);
    void peer.exited.then(() => this.live.delete(peer));
    return peer;
  }
}

class ProcessPeer implements HostedPeer {
  readonly ready: Promise<void>;
  readonly exited: Promise<unknown>;
  private label = 'a peer';
  private stderr = '';
  private waiting?: (answer: unknown) => void;
  private gone?: unknown[];
  private markReady!: () => void;
  private isReady = false;

  constructor(
    private readonly child: PeerChild,
    private readonly stepLimitMs: number,
  ) {
    this.ready = new Promise((resolve) => (this.markReady = resolve));
    const reader = new FrameReader((message) => this.receive(message));
    child.channel.on('data', (chunk: Buffer) => {
      try {
        reader.push(chunk);
      } catch (error) {
        this.finish([{ kind: 'fault', message: `${this.label} broke the simulator's protocol: ${String(error)}` }]);
        child.kill();
      }
    });
    child.channel.on('error', () => undefined); // the exit says what happened
    child.stderr?.on('data', (chunk: Buffer) => (this.stderr = (this.stderr + chunk.toString()).slice(-STDERR_KEPT)));
    this.exited = child.exited.then((exit) => {
      if (this.gone) return; // ended for blocking: that is what it said
      const how = exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`;
      const tail = this.stderr.trim()
        ? `; its stderr ends: ${this.stderr.trim().split('\n').slice(-3).join(' | ')}`
        : '';
      this.gone = [{ kind: 'fault', message: `${this.label}'s process ${how}${tail}` }];
      this.finish(this.gone);
      if (!this.isReady) this.markReady();
    });
  }

  step(request: Request): Promise<unknown> {
    if (request.kind === 'boot') this.label = request.boot.label;
    if (this.gone) return Promise.resolve(this.gone);
    return new Promise((resolve) => {
      const limit = setTimeout(() => this.blocked(), this.stepLimitMs);
      this.waiting = (answer) => {
        clearTimeout(limit);
        resolve(answer);
      };
      writeFrame(this.child.channel, request);
    });
  }

  /** The step never answered: the peer is blocked outside the simulation. */
  private blocked(): void {
    const seconds = this.stepLimitMs / 1000;
    const message =
      `${this.label} did not finish a step in ${seconds} s of real time: it is blocked outside the simulation ` +
      `(a real sleep, a synchronous wait or real I/O?); its process was ended`;
    this.gone = [{ kind: 'fault', message }];
    this.finish(this.gone);
    this.child.kill();
  }

  stop(): void {
    this.child.kill();
  }

  private receive(message: unknown): void {
    if (!this.isReady) {
      this.isReady = true;
      this.markReady();
      return;
    }
    this.finish(message);
  }

  private finish(answer: unknown): void {
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.(answer);
  }
}
