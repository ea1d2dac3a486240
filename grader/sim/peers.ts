// The peers as the simulator sees them. A slot (a server's name) has a
// persister and, while it is up, one incarnation; a crash ends the
// incarnation and keeps the persister, a boot starts a fresh incarnation
// from it. Every step of an incarnation returns effects, which are checked
// and applied here in their order: sends go to the network, timers to the
// clock, saves to the persister, apply messages to the tester's listeners.

import { decodeText, encodeText } from '../../src/labrpc/codec';
import type { Effect, Request } from '../../src/labrpc/runtime/protocol';
import type { Clock } from './clock';
import { checkEffects } from './effects';
import type { PeerHost } from './hosts';
import {
  emptyPersisted,
  formatTime,
  fromBase64,
  Instance,
  LOG_LINE_MAX,
  shorten,
  type ApplyListener,
  type PeerSpec,
  type Persisted,
  type Slot,
} from './instance';
import type { Network } from './network';
import type { Observers, StepCutter } from './observer';
import { streamSeed } from './random';
import { payloadHash, type Trace } from './trace';

export type { ApplyListener, PeerSpec, Persisted } from './instance';
export { formatTime } from './instance';

export interface PeersDeps {
  seed: string;
  clock: Clock;
  trace: Trace;
  network: Network;
  host: PeerHost;
  observers: Observers;
  fail(message: string): void;
  log?: (line: string) => void;
}

export class Peers {
  private readonly slots = new Map<string, Slot>();
  private readonly listeners: ApplyListener[] = [];
  /** Ends peers in the middle of a step, if a lab asks for it. */
  cutter?: StepCutter;

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
    this.deps.observers.booted(instance.ref, slot.persisted);
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
  crash(name: string, ending = false): void {
    const instance = this.slot(name).current;
    if (!instance || instance.dead) return;
    instance.dead = true;
    for (const timer of instance.timers.values()) timer.cancelled = true;
    this.deps.network.deleteServer(name);
    instance.hosted.stop();
    this.record('crash', instance);
    if (!ending) this.deps.observers.crashed(instance.ref); // the run's end is no crash to watch
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
    if (instance.dead) return { alive: false }; // crashed during the call (a cut)
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
    for (const slot of this.slots.values()) if (slot.current && !slot.current.dead) this.crash(slot.name, true);
  }

  private async step(instance: Instance, request: Request): Promise<Effect[]> {
    this.deps.observers.stepping(instance.ref, request);
    const answer = await instance.hosted.step(request);
    if (instance.dead) return [];
    const effects = checkEffects(answer);
    if (typeof effects === 'string') {
      this.deps.fail(`${instance.label} broke the simulator's protocol: ${effects}`);
      return [];
    }
    for (let k = 0; k < effects.length && !instance.dead; k++) {
      this.apply(instance, effects[k]);
      if (request.kind !== 'boot' && this.cutter?.cutAfter(instance.ref, effects, k, request))
        this.cut(instance, effects, k);
    }
    return effects;
  }

  /** Ends the incarnation right after effect k of its step: the rest of the step never happened. */
  private cut(instance: Instance, effects: readonly Effect[], k: number): void {
    const where = `after ${effects[k].kind} ${k + 1} of ${effects.length}`;
    this.record('cut', instance, where);
    this.deps.observers.noted('cut', `${instance.slot.name} ${where}`); // for the observers only: the trace has it
    this.cutter!.crash(instance.slot.name);
    if (!instance.dead) this.crash(instance.slot.name);
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
        const caller = { label: instance.tag, alive: () => !instance.dead, receive };
        const rpc = network.send(end, caller, effect.method, effect.args);
        return this.deps.observers.effect(instance.ref, effect, rpc);
      }
      case 'timer-set': {
        const old = instance.timers.get(effect.timer);
        if (old) old.cancelled = true;
        this.record('timer-set', instance, `timer=${effect.timer} at=${effect.at}`);
        instance.timers.set(
          effect.timer,
          clock.at(effect.at, () => this.fire(instance, effect.timer)),
        );
        return this.deps.observers.effect(instance.ref, effect);
      }
      case 'timer-clear': {
        const timer = instance.timers.get(effect.timer);
        if (timer) timer.cancelled = true;
        instance.timers.delete(effect.timer);
        this.record('timer-clear', instance, `timer=${effect.timer}`);
        return this.deps.observers.effect(instance.ref, effect);
      }
      case 'reply':
        this.record('reply', instance, `rpc=${effect.rpc}`);
        network.reply(effect.rpc, effect.reply, instance);
        return this.deps.observers.effect(instance.ref, effect);
      case 'apply':
        return this.applied(instance, effect.msg);
      case 'save': {
        const persisted = { raftstate: fromBase64(effect.raftstate), snapshot: fromBase64(effect.snapshot) };
        instance.slot.persisted = persisted;
        this.record(
          'save',
          instance,
          `raft=${persisted.raftstate.length}B snap=${persisted.snapshot.length}B #${payloadHash(effect.raftstate)}`,
        );
        return this.deps.observers.effect(instance.ref, effect);
      }
      case 'log': {
        this.record('log', instance, effect.text);
        const text = effect.text.length > LOG_LINE_MAX ? shorten(effect.text) : effect.text;
        // one line each, every one with its time and peer: no line a peer prints can pass for the tester's
        for (const line of text.split('\n')) this.deps.log?.(`${formatTime(this.now())} ${instance.label}: ${line}`);
        return this.deps.observers.effect(instance.ref, { kind: 'log', text });
      }
      case 'result':
        this.record('result', instance, effect.value === null ? '' : `#${payloadHash(effect.value)}`);
        return this.deps.observers.effect(instance.ref, effect);
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
    this.deps.observers.applied(instance.ref, msg as Record<string, unknown>);
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
