// Inside a peer's context: the incarnation's world. It keeps the virtual
// clock, the timers, the calls waiting for replies and the registered
// services, runs one request at a time, and records the effects in order.

import { decodeText, encodeText } from '../codec';
import type { ClientEnd } from '../index';
import type { Effect, Request } from './protocol';
import { isReported, reported, type HostBridge } from './bridge';

interface Timer {
  callback: () => void;
  repeatUs?: number;
}

export class World {
  label = 'peer';
  now = 0;
  readonly services = new Map<string, object>();
  private effects: Effect[] = [];
  private readonly timers = new Map<number, Timer>();
  private readonly calls = new Map<number, (reply: unknown) => void>();
  private nextTimer = 1;
  private nextCall = 1;

  constructor(readonly host: HostBridge) {}

  emit(effect: Effect): void {
    this.effects.push(effect);
  }

  /** Records a broken rule; the tester fails the run with this line. */
  fault(message: string): void {
    this.emit({ kind: 'fault', message: `${this.label}: ${message}` });
  }

  /**
   * A fault at the student's line: "peer 2: src/raft/raft.ts:120 requires 'fs': ...".
   * The line is found in `stack` (an error's), or in the current stack.
   */
  faultAt(stack: string | undefined, phrase: string): void {
    const where = this.host.where(stack);
    this.emit({ kind: 'fault', message: where ? `${this.label}: ${where} ${phrase}` : `${this.label} ${phrase}` });
  }

  collect(): Effect[] {
    const effects = this.effects;
    this.effects = [];
    return effects;
  }

  /** A timer due delayUs from now; repeatUs re-arms it after every firing. */
  schedule(callback: () => void, delayUs: number, repeatUs?: number): number {
    const id = this.nextTimer++;
    this.timers.set(id, { callback, repeatUs });
    this.emit({ kind: 'timer-set', timer: id, at: this.now + delayUs });
    return id;
  }

  cancel(id: number): void {
    if (this.timers.delete(id)) this.emit({ kind: 'timer-clear', timer: id });
  }

  /** Re-arms a pending timer to be due delayUs from now (Timeout.refresh). */
  rearm(id: number, delayUs: number): void {
    if (!this.timers.has(id)) return;
    this.emit({ kind: 'timer-clear', timer: id });
    this.emit({ kind: 'timer-set', timer: id, at: this.now + delayUs });
  }

  /** An RPC to end `end` (the peers array's index). Codec errors throw at the caller. */
  call(end: number, method: string, args: unknown): Promise<unknown> {
    if (typeof method !== 'string' || !/^[^.]+\.[^.]+$/.test(method)) {
      throw new TypeError(`call(): the method must be "Service.method", e.g. "Raft.requestVote", not ${String(method)}`);
    }
    const text = this.encodeOrThrow(args, 'args', 'an RPC', `calls ${method}`);
    const id = this.nextCall++;
    this.emit({ kind: 'send', call: id, end, method, args: text });
    return new Promise((resolve) => this.calls.set(id, resolve));
  }

  /** Encodes, or records the fault and throws the CodecError where the student's code is. */
  encodeOrThrow(value: unknown, root: string, carrier: string, phrase: string): string {
    try {
      return encodeText(value, root, carrier);
    } catch (error) {
      this.faultAt(undefined, `${phrase}: ${(error as Error).message}`);
      throw reported(error);
    }
  }

  step(request: Request): void {
    this.now = request.now;
    try {
      this.dispatch(request);
    } catch (error) {
      this.crashed(error, describeRequest(request));
    }
  }

  /** A student's exception escaped: the peer would have died, so the run fails. */
  crashed(error: unknown, during: string): void {
    if (isReported(error)) return;
    const e = error as Partial<Error> | null;
    const text = typeof e === 'object' && e && 'message' in e ? `${e.name}: ${e.message}` : String(error);
    this.faultAt(typeof e?.stack === 'string' ? e.stack : undefined, `threw ${text} (in ${during})`);
  }

  private dispatch(request: Request): void {
    switch (request.kind) {
      case 'timer':
        return this.fire(request.timer);
      case 'reply': {
        const resolve = this.calls.get(request.call);
        this.calls.delete(request.call);
        resolve?.(request.reply === null ? null : decodeText(request.reply));
        return;
      }
      case 'request':
        return this.serve(request.rpc, request.method, decodeText(request.args));
      case 'invoke':
        return this.invoke(request.service, request.method, decodeText<unknown[]>(request.args));
      case 'boot':
        throw new Error('boot is handled by inside.ts');
    }
  }

  private fire(id: number): void {
    const timer = this.timers.get(id);
    if (!timer) return;
    if (timer.repeatUs === undefined) this.timers.delete(id);
    timer.callback();
    if (timer.repeatUs !== undefined && this.timers.get(id) === timer) {
      this.emit({ kind: 'timer-set', timer: id, at: this.now + timer.repeatUs });
    }
  }

  private serve(rpc: number, method: string, args: unknown): void {
    const handler = this.lookup(method);
    if (!handler) return;
    const reply = (value: unknown): void => {
      if (value === undefined) return this.fault(`${method} returned nothing: a handler returns its reply`);
      try {
        this.emit({ kind: 'reply', rpc, reply: encodeText(value, 'reply', 'an RPC') });
      } catch (error) {
        this.fault(`the reply of ${method}: ${(error as Error).message}`);
      }
    };
    settle(handler(args), reply, (error) => this.crashed(error, `the handler ${method}`));
  }

  private invoke(service: string, method: string, args: unknown[]): void {
    const handler = this.lookup(`${service}.${method}`);
    if (!handler) return;
    const result = (value: unknown): void => {
      const text = value === undefined ? null : this.encodeOrThrow(value, 'result', 'the way to the tester', `returns from ${service}.${method}()`);
      this.emit({ kind: 'result', value: text });
    };
    settle(handler(...args), result, (error) => this.crashed(error, `${service}.${method}()`));
  }

  /** The bound method for "Service.method", or a fault. */
  private lookup(qualified: string): ((...args: unknown[]) => unknown) | undefined {
    const [service, method] = qualified.split('.');
    const target = this.services.get(service) as Record<string, unknown> | undefined;
    const fn = target && !(method in Object.prototype) ? target[method] : undefined;
    if (typeof fn !== 'function') {
      const known = target ? ` (${service} has ${methodsOf(target).join(', ') || 'no methods'})` : '';
      this.fault(`no method ${qualified}${known}`);
      return undefined;
    }
    return (...args: unknown[]) => fn.apply(target, args);
  }
}

/** The ends a peer gets: peers[j].call(...) goes through the world. */
export class SimClientEnd implements ClientEnd {
  constructor(private readonly world: World, private readonly index: number) {}

  call<Reply>(method: string, args: unknown): Promise<Reply | null> {
    return this.world.call(this.index, method, args) as Promise<Reply | null>;
  }
}

function settle(value: unknown, then: (value: unknown) => void, failed: (error: unknown) => void): void {
  if (value !== null && typeof value === 'object' && typeof (value as PromiseLike<unknown>).then === 'function') {
    (value as PromiseLike<unknown>).then(then, failed);
  } else {
    then(value);
  }
}

function methodsOf(target: object): string[] {
  const names = new Set<string>();
  for (let o: object | null = target; o && Object.getPrototypeOf(o) !== null; o = Object.getPrototypeOf(o)) {
    for (const name of Object.getOwnPropertyNames(o)) {
      if (name !== 'constructor' && typeof (target as Record<string, unknown>)[name] === 'function') names.add(name);
    }
  }
  return [...names].sort();
}

function describeRequest(request: Request): string {
  switch (request.kind) {
    case 'timer':
      return 'a timer callback';
    case 'reply':
      return 'the code after an RPC reply';
    case 'request':
      return `the handler ${request.method}`;
    case 'invoke':
      return `${request.service}.${request.method}()`;
    default:
      return 'boot';
  }
}
