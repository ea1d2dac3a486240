// The simulation: one seed, a virtual clock, the network, the peers, and the
// tester's coroutines. Events run one at a time, in (time, sequence) order;
// a peer's step runs to quiescence before the next event. The tester's code
// (a scenario, async TypeScript in this process) runs only inside events
// too: every wait of the tester (sleep, a call to a peer, an RPC) is an
// event, and when one resumes the tester, the simulation lets the tester's
// microtasks settle before it takes the next event. So tester coroutines
// interleave deterministically, and time moves only when every one of them
// waits on the simulation and no step is in flight.

import { setImmediate } from 'timers';
import { decodeText, encodeText } from '../../src/labrpc/codec';
import type { ClientEnd } from '../../src/labrpc';
import { Clock } from './clock';
import { SimFailure } from './failure';
import type { PeerHost } from './hosts';
import type { LossPlan } from './losses';
import { Network } from './network';
import { Observers, type SimObserver, type StepCutter } from './observer';
import { Peers, type PeerSpec } from './peers';
import { Random, streamSeed } from './random';
import { Trace } from './trace';

export interface SimulationOptions {
  seed: string;
  host: PeerHost;
  /** Virtual milliseconds a run may take; past them it fails (the course's 120 s). */
  limitMs?: number;
  /** How many of the trace's last lines to keep (for diagnosis). */
  traceLines?: number;
  /** Receives every line a peer logs, stamped with virtual time. */
  log?: (line: string) => void;
  /** Which of the losses the network draws are lost (all, without one): losses.ts. */
  losses?: LossPlan;
}

/** Events at one virtual instant past which time is taken to stand still (a setImmediate loop). */
const MAX_EVENTS_AT_ONE_INSTANT = 100_000;

/** Lets the tester's microtasks settle: they all run before a real setImmediate fires. */
function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export class Simulation {
  readonly seed: string;
  readonly clock = new Clock();
  readonly trace: Trace;
  readonly network: Network;
  readonly peers: Peers;
  /** The tester's own draws (which peers to crash, ...). */
  readonly random: Random;
  /** Events run so far (peer steps, deliveries, tester wake-ups). */
  events = 0;
  private readonly observers = new Observers();
  private failure?: SimFailure;
  private running = false;

  constructor(private readonly options: SimulationOptions) {
    this.seed = options.seed;
    this.trace = new Trace(options.traceLines);
    const networkRandom = new Random(streamSeed(this.seed, 'network'));
    this.network = new Network(this.clock, networkRandom, this.trace, this.observers, options.losses);
    this.random = new Random(streamSeed(this.seed, 'tester'));
    this.peers = new Peers({
      seed: this.seed,
      clock: this.clock,
      trace: this.trace,
      network: this.network,
      host: options.host,
      observers: this.observers,
      fail: (message) => this.fail(message),
      log: options.log,
    });
  }

  /** Virtual milliseconds since the start. */
  nowMs(): number {
    return this.clock.now() / 1000;
  }

  /** Registers a peer slot (nothing runs until boot). */
  addPeer(name: string, spec: PeerSpec): void {
    this.peers.add(name, spec);
  }

  /** The tester waits ms of virtual time. */
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.clock.after(Math.round(ms * 1000), () => this.resume(resolve));
    });
  }

  /** Starts a fresh incarnation of a peer (the course's StartServer), as an event now. */
  boot(name: string, ends: string[]): Promise<void> {
    return this.event(async () => {
      await this.peers.boot(name, ends);
    });
  }

  /** Calls a method of a peer's service directly (rf.GetState()...), as an event now. */
  invoke(
    name: string,
    service: string,
    method: string,
    ...args: unknown[]
  ): Promise<{ alive: boolean; value?: unknown }> {
    return this.event(() => this.peers.invoke(name, service, method, args));
  }

  /** Crashes a peer now: it stops, and keeps only what it persisted. */
  crash(name: string): void {
    this.peers.crash(name);
  }

  /** Notes a tester action (connect, disconnect, ...) in the trace. */
  note(kind: string, detail: string): void {
    this.trace.record(this.clock.now(), kind, 'tester', detail);
    this.observers.noted(kind, detail);
  }

  /** Lets `observer` watch every event from now on (it changes nothing: observer.ts). */
  observe(observer: SimObserver): void {
    this.observers.add(observer);
  }

  /** Lets `cutter` end peers in the middle of their steps (observer.ts). */
  setCutter(cutter: StepCutter): void {
    this.peers.cutter = cutter;
  }

  /** A ClientEnd for the tester's side (the KV labs' clerks): its calls go through the network. */
  clientEnd(end: string, label = 'tester'): ClientEnd {
    return {
      call: <Reply>(method: string, args: unknown) =>
        new Promise<Reply | null>((resolve) => {
          const receive = (reply: string | null) =>
            this.resume(() => resolve(reply === null ? null : decodeText<Reply>(reply)));
          this.network.send(end, { label, alive: () => true, receive }, method, encodeText(args, 'args', 'an RPC'));
        }),
    };
  }

  /** Fails the run now (the first failure wins); the run stops after the current event. */
  fail(message: string, notes: string[] = []): void {
    this.failure ??= new SimFailure(message, notes).stamp(this.nowMs(), this.seed);
  }

  /**
   * Runs the scenario (the tester's main coroutine) in virtual time until it
   * ends or something fails; every incarnation is stopped afterwards.
   */
  async run<T>(scenario: () => Promise<T>): Promise<T> {
    if (this.running) throw new Error('a simulation runs once');
    this.running = true;
    let outcome: { ok: true; value: T } | { ok: false; error: unknown } | undefined;
    this.clock.at(this.clock.now(), async () => {
      scenario().then(
        (value) => (outcome = { ok: true, value }),
        (error: unknown) => (outcome = { ok: false, error }),
      );
      await settle();
    });
    let tail: string[] = [];
    let hash = '';
    try {
      await this.loop(() => outcome !== undefined);
      tail = this.trace.last(40);
      hash = this.trace.digest();
    } finally {
      this.peers.stopAll();
    }
    const failure = this.failure ?? (outcome!.ok ? undefined : outcome!.error);
    if (failure instanceof SimFailure) {
      failure.stamp(this.nowMs(), this.seed).traceTail = tail;
      failure.traceHash = hash;
      throw failure;
    }
    if (!outcome!.ok) throw outcome!.error;
    return outcome!.value;
  }

  private async loop(done: () => boolean): Promise<void> {
    const limitUs = this.options.limitMs === undefined ? Infinity : this.options.limitMs * 1000;
    let instant = -1;
    let atInstant = 0;
    while (!done() && !this.failure) {
      const next = this.clock.peek();
      if (!next)
        return this.fail('nothing is left to happen, but the test still waits (on something outside the simulation?)');
      if (next.at > limitUs) {
        this.failure ??= new SimFailure(`the test took longer than ${limitUs / 1e6} seconds`).stamp(
          limitUs / 1000,
          this.seed,
        );
        return;
      }
      const event = this.clock.next()!;
      atInstant = event.at === instant ? atInstant + 1 : 0;
      instant = event.at;
      if (atInstant > MAX_EVENTS_AT_ONE_INSTANT) {
        return this.fail(
          `virtual time stood still at ${this.nowMs()} ms: ${atInstant} events at one instant (a setImmediate loop?)`,
        );
      }
      this.events++;
      try {
        await event.run();
      } catch (error) {
        if (!(error instanceof SimFailure)) throw error;
        this.failure ??= error.stamp(this.nowMs(), this.seed);
      }
    }
  }

  /** Runs `work` as an event now and resumes the tester with its result. */
  private event<T>(work: () => Promise<T>): Promise<T> {
    return new Promise((resolve, reject) => {
      this.clock.at(this.clock.now(), async () => {
        let result: T;
        try {
          result = await work();
        } catch (error) {
          return this.resume(() => reject(error));
        }
        await this.resume(() => resolve(result));
      });
    });
  }

  /** Resumes a waiting tester coroutine and lets it run until it waits again. */
  private resume(wake: () => void): Promise<void> {
    wake();
    return settle();
  }
}
