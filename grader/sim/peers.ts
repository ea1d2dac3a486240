// The peers as the simulator sees them. A slot (a server's name) has a
// persister and, while it is up, one incarnation; a crash ends the
// incarnation and keeps the persister, a boot starts a fresh incarnation
// from it. Every step of an incarnation returns effects, which are checked
// and applied here in their order: sends go to the network, timers to the
// clock, saves to the persister, apply messages to the tester's listeners.

import { decodeText, encodeText } from '../../src/labrpc/codec';
import type { Effect, Request } from '../../src/labrpc/runtime/protocol';
import type { Clock, Scheduled } from './clock';
import { checkEffects } from './effects';
import type { HostedPeer, PeerHost } from './hosts';
import type { Network, ServerTarget } from './network';
import { streamSeed } from './random';
import { payloadHash, type Trace } from './trace';

export interface PeerSpec {
  /** How messages name the peer: "peer 2". */
  label: string;
  /** The boot function (src/labrpc/runtime/boots.ts), e.g. 'raft'. */
  lab: string;
  /** The lab's boot arguments, e.g. { me: 2 }. */
  args: Record<string, unknown>;
  env?: Record<string, string>;
}

export interface Persisted {
  raftstate: Uint8Array;
  snapshot: Uint8Array;
}

export type ApplyListener = (peer: string, msg: Record<string, unknown>) => void;

interface Slot {
  name: string;
  spec: PeerSpec;
  persisted: Persisted;
  incarnations: number;
  current?: Instance;
}

/** One incarnation of a slot. */
class Instance implements ServerTarget {
  dead = false;
  readonly timers = new Map<number, Scheduled>();
  readonly label: string;
  readonly tag: string;

  constructor(
    readonly slot: Slot,
    readonly number: number,
    readonly hosted: HostedPeer,
    readonly ends: string[],
    /** Runs an RPC's handler: a request step on this incarnation. */
    readonly dispatch: (rpc: number, method: string, args: string) => Promise<void>,
  ) {
    this.label = slot.spec.label;
    this.tag = `${slot.spec.label.replace(/ /g, '')}#${number}`;
  }

  alive(): boolean {
    return !this.dead;
  }
}

export interface PeersDeps {
  seed: string;
  clock: Clock;
  trace: Trace;
  network: Network;
  host: PeerHost;
  fail(message: string): void;
  log?: (line: string) => void;
}

export class Peers {
  private readonly slots = new Map<string, Slot>();
  private readonly listeners: ApplyListener[] = [];

  constructor(private readonly deps: PeersDeps) {}

  add(name: string, spec: PeerSpec): void {
    this.slots.set(name, { name, spec, persisted: emptyPersisted(), incarnations: 0 });
  }

  alive(name: string): boolean {
    return this.slot(name).current?.dead === false;
  }

  persisted(name: string): Persisted {
    return this.slot(name).persisted;
  }

  names(): string[] {
    return [...this.slots.keys()];
  }

  onApply(listener: ApplyListener): void {
    this.listeners.push(listener);
  }

  /** A fresh incarnation of `name` with `ends` as its peers array, registered as the server `name`. */
  async boot(name: string, ends: string[]): Promise<void> {
    const slot = this.slot(name);
    if (slot.current && !slot.current.dead)
      throw new Error(`${slot.spec.label} is up: crash it before booting it again`);
    const number = ++slot.incarnations;
    const hosted = await this.deps.host.start();
    const instance: Instance = new Instance(slot, number, hosted, ends, async (rpc, method, args) => {
      await this.step(instance, { kind: 'request', now: this.now(), rpc, method, args });
    });
    slot.current = instance;
    this.deps.network.addServer(name, instance);
    this.record('boot', instance, `ends=${ends.join(',')}`);
    const { raftstate, snapshot } = slot.persisted;
    await this.step(instance, {
      kind: 'boot',
      now: this.now(),
      boot: {
        label: slot.spec.label,
        incarnation: number,
        seed: streamSeed(this.deps.seed, 'peer', name, number),
        lab: slot.spec.lab,
        args: slot.spec.args,
        ends: ends.length,
        env: slot.spec.env ?? {},
        raftstate: Buffer.from(raftstate).toString('base64'),
        snapshot: Buffer.from(snapshot).toString('base64'),
      },
    });
  }

  /** Ends the incarnation: no more events reach it; its persister stays as it is. */
  crash(name: string): void {
    const instance = this.slot(name).current;
    if (!instance || instance.dead) return;
    instance.dead = true;
    for (const timer of instance.timers.values()) timer.cancelled = true;
    this.deps.network.deleteServer(name);
    instance.hosted.stop();
    this.record('crash', instance);
  }

  /** Calls service.method(...args) on the live incarnation; alive is false if there is none. */
  async invoke(
    name: string,
    service: string,
    method: string,
    args: unknown[],
  ): Promise<{ alive: boolean; value?: unknown }> {
    const instance = this.slot(name).current;
    if (!instance || instance.dead) return { alive: false };
    this.record('invoke', instance, `${service}.${method}`);
    const text = encodeText(args, 'args', 'a call from the tester');
    const effects = await this.step(instance, { kind: 'invoke', now: this.now(), service, method, args: text });
    const result = effects.find((effect) => effect.kind === 'result');
    if (!result) {
      if (!effects.some((effect) => effect.kind === 'fault')) {
        this.deps.fail(`${instance.label}: ${service}.${method}() returned a promise that did not settle at once`);
      }
      return { alive: true };
    }
    return { alive: true, value: result.value === null ? undefined : decodeText(result.value) };
  }

  /** Ends every incarnation (the end of a run). */
  stopAll(): void {
    for (const slot of this.slots.values()) if (slot.current && !slot.current.dead) this.crash(slot.name);
  }

  private async step(instance: Instance, request: Request): Promise<Effect[]> {
    const answer = await instance.hosted.step(request);
    if (instance.dead) return [];
    const effects = checkEffects(answer);
    if (typeof effects === 'string') {
      this.deps.fail(`${instance.label} broke the simulator's protocol: ${effects}`);
      return [];
    }
    for (const effect of effects) this.apply(instance, effect);
    return effects;
  }

  private apply(instance: Instance, effect: Effect): void {
    const { clock, network } = this.deps;
    switch (effect.kind) {
      case 'send': {
        const end = instance.ends[effect.end];
        if (end === undefined)
          return this.deps.fail(
            `${instance.label} called peers[${effect.end}], but it has ${instance.ends.length} peers`,
          );
        const receive = async (reply: string | null) => {
          await this.step(instance, { kind: 'reply', now: this.now(), call: effect.call, reply });
        };
        return network.send(
          end,
          { label: instance.tag, alive: () => !instance.dead, receive },
          effect.method,
          effect.args,
        );
      }
      case 'timer-set': {
        const old = instance.timers.get(effect.timer);
        if (old) old.cancelled = true;
        this.record('timer-set', instance, `timer=${effect.timer} at=${effect.at}`);
        instance.timers.set(
          effect.timer,
          clock.at(effect.at, () => this.fire(instance, effect.timer)),
        );
        return;
      }
      case 'timer-clear': {
        const timer = instance.timers.get(effect.timer);
        if (timer) timer.cancelled = true;
        instance.timers.delete(effect.timer);
        return this.record('timer-clear', instance, `timer=${effect.timer}`);
      }
      case 'reply':
        this.record('reply', instance, `rpc=${effect.rpc}`);
        return network.reply(effect.rpc, effect.reply, instance);
      case 'apply':
        return this.applied(instance, effect.msg);
      case 'save': {
        const persisted = { raftstate: fromBase64(effect.raftstate), snapshot: fromBase64(effect.snapshot) };
        instance.slot.persisted = persisted;
        return this.record(
          'save',
          instance,
          `raft=${persisted.raftstate.length}B snap=${persisted.snapshot.length}B #${payloadHash(effect.raftstate)}`,
        );
      }
      case 'log':
        this.record('log', instance, effect.text);
        return this.deps.log?.(`${formatTime(this.now())} ${instance.label}: ${effect.text}`);
      case 'result':
        return this.record('result', instance, effect.value === null ? '' : `#${payloadHash(effect.value)}`);
      case 'fault':
        this.record('fault', instance, effect.message);
        return this.deps.fail(effect.message);
    }
  }

  private async fire(instance: Instance, timer: number): Promise<void> {
    instance.timers.delete(timer);
    this.record('fire', instance, `timer=${timer}`);
    await this.step(instance, { kind: 'timer', now: this.now(), timer });
  }

  private applied(instance: Instance, text: string): void {
    this.record('apply', instance, `#${payloadHash(text)}`);
    let msg: unknown;
    try {
      msg = decodeText(text);
    } catch {
      return this.deps.fail(`${instance.label} sent an apply message that is not the codec's`);
    }
    if (msg === null || typeof msg !== 'object')
      return this.deps.fail(`${instance.label} sent an apply message that is not an object`);
    for (const listener of this.listeners) listener(instance.slot.name, msg as Record<string, unknown>);
  }

  private record(kind: string, instance: Instance, detail = ''): void {
    this.deps.trace.record(this.now(), kind, instance.tag, detail);
  }

  private now(): number {
    return this.deps.clock.now();
  }

  private slot(name: string): Slot {
    const slot = this.slots.get(name);
    if (!slot) throw new Error(`no peer called ${name}`);
    return slot;
  }
}

function emptyPersisted(): Persisted {
  return { raftstate: new Uint8Array(0), snapshot: new Uint8Array(0) };
}

function fromBase64(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, 'base64'));
}

/** Virtual seconds with microseconds, for log lines: "   12.345678". */
export function formatTime(us: number): string {
  return (us / 1e6).toFixed(6).padStart(11);
}
