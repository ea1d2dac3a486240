// The network, with the course's labrpc fault model (raft-lab.md 3.1), in
// virtual time. Named ends, each connected to a named server and enabled or
// not; the tester makes partitions by enabling ends. Reliable: a request is
// delivered with no delay (after the current step), the reply likewise.
// Unreliable: 0-26 ms before delivery, a request lost with p = 0.1, a reply
// lost with p = 0.1. Long reordering: a reply held 200 + U(0..U(0..2000)) ms
// with p = 2/3. A disabled end or a missing server fails the call after
// U(0..7000) ms with long delays (the Raft tests), else U(0..100) ms. While
// a handler runs, the network checks every 100 ms, and once more when it
// returns, that the server is still the one it was sent to and the end still
// enabled; if not the caller gets null. Nothing is ever duplicated.
//
// Counts are the course's: every send (dropped ones too), the RPCs each
// server got, and bytes (args at send, a reply when it is delivered).

import type { Clock, Scheduled } from './clock';
import { LossPlan } from './losses';
import type { Observers } from './observer';
import type { Random } from './random';
import { payloadHash, type Trace } from './trace';

/** Who made a call: told of the reply (or null) when the network delivers it. */
export interface Caller {
  label: string;
  alive(): boolean;
  receive(reply: string | null): void | Promise<void>;
}

/** A server: runs a request's handler; its reply comes back by network.reply(). */
export interface ServerTarget {
  label: string;
  alive(): boolean;
  dispatch(rpc: number, method: string, args: string): Promise<void>;
}

interface Server {
  target: ServerTarget;
  /** RPCs dispatched to this server (the course's GetCount). */
  count: number;
}

interface Rpc {
  id: number;
  end: string;
  method: string;
  caller: Caller;
  server?: Server;
  reliable: boolean;
  longReordering: boolean;
  done: boolean;
  poll?: Scheduled;
}

const POLL_US = 100_000;
/** Long reordering holds a reply 200 + U(0..U(0..2000)) ms: a reply sent before a heal may arrive this long after. */
const HOLD_MIN_MS = 200;
const HOLD_SPREAD_MS = 2000;
export const LONGEST_HOLD_MS = HOLD_MIN_MS + HOLD_SPREAD_MS;

export class Network {
  private readonly ends = new Map<string, { server?: string; enabled: boolean }>();
  private readonly servers = new Map<string, Server>();
  private readonly running = new Map<number, Rpc>();
  private nextRpc = 1;
  private reliable = true;
  private longReordering = false;
  private longDelays = false;
  private total = 0;
  private bytes = 0;

  constructor(
    private readonly clock: Clock,
    private readonly random: Random,
    private readonly trace: Trace,
    private readonly observers?: Observers,
    /** Which of the losses drawn are lost (losses.ts); by default, all. */
    readonly losses = new LossPlan(),
  ) {}

  /** A new end (disabled until enabled), connected to a server name. */
  makeEnd(end: string, server: string): void {
    this.ends.set(end, { server, enabled: false });
  }

  enable(end: string, enabled: boolean): void {
    const entry = this.ends.get(end);
    if (!entry) throw new Error(`no end called ${end}`);
    entry.enabled = enabled;
  }

  addServer(name: string, target: ServerTarget): void {
    this.servers.set(name, { target, count: 0 });
  }

  deleteServer(name: string): void {
    this.servers.delete(name);
  }

  setReliable(reliable: boolean): void {
    this.reliable = reliable;
  }

  setLongReordering(longReordering: boolean): void {
    this.longReordering = longReordering;
  }

  setLongDelays(longDelays: boolean): void {
    this.longDelays = longDelays;
  }

  /** Every RPC sent so far. */
  totalCount(): number {
    return this.total;
  }

  /** Bytes of args sent and of replies delivered. */
  totalBytes(): number {
    return this.bytes;
  }

  /** RPCs dispatched to the server now registered under `name`. */
  serverCount(name: string): number {
    return this.servers.get(name)?.count ?? 0;
  }

  /** Sends a request on an end, now; the caller hears the outcome in a later event. Returns the RPC's id. */
  send(end: string, caller: Caller, method: string, args: string): number {
    const entry = this.ends.get(end);
    const server = entry?.enabled && entry.server !== undefined ? this.servers.get(entry.server) : undefined;
    const rpc: Rpc = {
      id: this.nextRpc++,
      end,
      method,
      caller,
      server,
      done: false,
      reliable: this.reliable,
      longReordering: this.longReordering,
    };
    this.total++;
    this.bytes += Buffer.byteLength(args);
    this.trace.record(
      this.clock.now(),
      'send',
      caller.label,
      `rpc=${rpc.id} ${method} end=${end} ${Buffer.byteLength(args)}B #${payloadHash(args)}`,
    );
    if (!server) {
      const ms = this.longDelays ? this.random.int(7000) : this.random.int(100);
      this.clock.after(ms * 1000, () => this.finish(rpc, null, 'unreachable'));
      return rpc.id;
    }
    const ms = rpc.reliable ? 0 : this.random.int(27);
    this.clock.after(ms * 1000, () => this.deliver(rpc, args));
    return rpc.id;
  }

  /** The server an end leads to (whether or not it is enabled). */
  serverOf(end: string): string | undefined {
    return this.ends.get(end)?.server;
  }

  private async deliver(rpc: Rpc, args: string): Promise<void> {
    if (!rpc.reliable && this.random.int(1000) < 100 && this.lose(rpc, 'request'))
      return this.finish(rpc, null, 'request lost');
    const server = rpc.server!;
    if (!server.target.alive()) return this.finish(rpc, null, 'server dead');
    server.count++;
    this.running.set(rpc.id, rpc);
    this.trace.record(this.clock.now(), 'deliver', server.target.label, `rpc=${rpc.id}`);
    await server.target.dispatch(rpc.id, rpc.method, args);
    if (!rpc.done && this.running.has(rpc.id)) rpc.poll = this.clock.after(POLL_US, () => this.check(rpc));
  }

  /** A handler's reply from `from`: checked, maybe lost or held, then delivered. */
  reply(rpcId: number, reply: string, from: ServerTarget): void {
    const rpc = this.running.get(rpcId);
    if (!rpc || rpc.server?.target !== from) return; // answered already (the server was found dead), or never asked
    this.running.delete(rpcId);
    if (rpc.poll) rpc.poll.cancelled = true;
    if (this.serverDead(rpc)) return this.later(rpc, 0, null, 'server died while handling');
    if (!rpc.reliable && this.random.int(1000) < 100 && this.lose(rpc, 'reply'))
      return this.later(rpc, 0, null, 'reply lost');
    if (rpc.longReordering && this.random.int(900) < 600) {
      const ms = HOLD_MIN_MS + this.random.int(1 + this.random.int(HOLD_SPREAD_MS));
      this.trace.record(this.clock.now(), 'hold', rpc.caller.label, `rpc=${rpc.id} ${ms}ms`);
      return this.later(rpc, ms * 1000, reply, 'ok');
    }
    this.later(rpc, 0, reply, 'ok');
  }

  /** The fault model lost a message of `rpc`: whether the plan lets it be lost. */
  private lose(rpc: Rpc, part: 'request' | 'reply'): boolean {
    return this.losses.decide(this.clock.now(), () => {
      const to = rpc.server?.target.label ?? 'nobody';
      return `${rpc.caller.label} -> ${to}: ${rpc.method}, its ${part} lost (rpc ${rpc.id})`;
    });
  }

  /** labrpc's periodic check while a handler runs. */
  private check(rpc: Rpc): void | Promise<void> {
    if (!this.running.has(rpc.id)) return;
    if (this.serverDead(rpc)) {
      this.running.delete(rpc.id);
      return this.finish(rpc, null, 'server died while handling');
    }
    rpc.poll = this.clock.after(POLL_US, () => this.check(rpc));
  }

  private serverDead(rpc: Rpc): boolean {
    const entry = this.ends.get(rpc.end);
    return !entry?.enabled || this.servers.get(entry.server!) !== rpc.server || !rpc.server!.target.alive();
  }

  private later(rpc: Rpc, delayUs: number, reply: string | null, why: string): void {
    this.clock.after(delayUs, () => this.finish(rpc, reply, why));
  }

  private finish(rpc: Rpc, reply: string | null, why: string): void | Promise<void> {
    if (rpc.done) return;
    rpc.done = true;
    if (reply !== null) this.bytes += Buffer.byteLength(reply);
    const size = reply === null ? '' : ` ${Buffer.byteLength(reply)}B #${payloadHash(reply)}`;
    this.trace.record(this.clock.now(), 'return', rpc.caller.label, `rpc=${rpc.id} ${why}${size}`);
    this.observers?.rpcEnded(rpc.id, why);
    if (rpc.caller.alive()) return rpc.caller.receive(reply);
  }
}
