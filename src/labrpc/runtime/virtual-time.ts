// Inside a peer's context: the simulation's clock behind the usual names
// (setTimeout and friends, the timers modules, Date, performance.now,
// process.hrtime). A timer is an effect the simulator schedules; it fires
// when the simulator says so, at its virtual due time.

import type { World } from './world';
import { VIRTUAL_EPOCH_MS } from './protocol';

const TIMEOUT_MAX_MS = 2 ** 31 - 1;
const PROMISIFY = Symbol.for('nodejs.util.promisify.custom');

type Callback = (...args: unknown[]) => void;

/** Node's rule: a delay outside [1, 2^31-1] ms is 1 ms. In microseconds. */
function delayUs(ms: unknown): number {
  let delay = Number(ms);
  if (!(delay >= 1 && delay <= TIMEOUT_MAX_MS)) delay = 1;
  return Math.round(delay * 1000);
}

function checkCallback(callback: unknown): asserts callback is Callback {
  if (typeof callback !== 'function') {
    throw new TypeError(`The "callback" argument must be of type function. Received ${typeof callback}`);
  }
}

/** What setTimeout returns, as Node's Timeout (ref and unref change nothing here). */
export class VirtualTimeout {
  constructor(private readonly world: World, readonly id: number, private readonly delay: number) {}
  ref(): this { return this; }
  unref(): this { return this; }
  hasRef(): boolean { return true; }
  refresh(): this { this.world.rearm(this.id, this.delay); return this; }
  close(): this { this.world.cancel(this.id); return this; }
  [Symbol.toPrimitive](): number { return this.id; }
}

export function makeTimers(world: World) {
  const setTimeout = (callback: unknown, ms?: unknown, ...args: unknown[]) => {
    checkCallback(callback);
    const delay = delayUs(ms);
    return new VirtualTimeout(world, world.schedule(() => callback(...args), delay), delay);
  };
  const setInterval = (callback: unknown, ms?: unknown, ...args: unknown[]) => {
    checkCallback(callback);
    const delay = delayUs(ms);
    return new VirtualTimeout(world, world.schedule(() => callback(...args), delay, delay), delay);
  };
  const setImmediate = (callback: unknown, ...args: unknown[]) => {
    checkCallback(callback);
    return new VirtualTimeout(world, world.schedule(() => callback(...args), 0), 0);
  };
  const clear = (timer: unknown) => {
    if (timer === null || timer === undefined) return;
    world.cancel(Number(timer));
  };
  const promises = {
    setTimeout: <T>(ms?: number, value?: T) => new Promise<T | undefined>((resolve) => setTimeout(resolve, ms, value)),
    setImmediate: <T>(value?: T) => new Promise<T | undefined>((resolve) => setImmediate(resolve, value)),
    async *setInterval<T>(ms?: number, value?: T) {
      for (;;) yield await promises.setTimeout(ms, value);
    },
    scheduler: {
      wait: (ms: number) => promises.setTimeout(ms),
      yield: () => promises.setImmediate(),
    },
  };
  Object.assign(setTimeout, { [PROMISIFY]: promises.setTimeout });
  Object.assign(setImmediate, { [PROMISIFY]: promises.setImmediate });
  return {
    setTimeout, setInterval, setImmediate,
    clearTimeout: clear, clearInterval: clear, clearImmediate: clear,
    promises,
  };
}

/** A Date whose "now" is the virtual clock's; every other use is the real Date's. */
export function makeDate(RealDate: DateConstructor, world: World): DateConstructor {
  const now = () => VIRTUAL_EPOCH_MS + Math.floor(world.now / 1000);
  function VirtualDate(this: unknown, ...args: unknown[]): unknown {
    if (!new.target) return new RealDate(now()).toString(); // Date() called as a function
    return Reflect.construct(RealDate, args.length === 0 ? [now()] : args, new.target);
  }
  VirtualDate.prototype = RealDate.prototype;
  Object.defineProperty(RealDate.prototype, 'constructor', { value: VirtualDate, writable: true, configurable: true });
  return Object.assign(VirtualDate, { now, parse: RealDate.parse, UTC: RealDate.UTC }) as unknown as DateConstructor;
}

export function makePerformance(world: World) {
  return {
    now: () => world.now / 1000,
    timeOrigin: VIRTUAL_EPOCH_MS,
    toJSON: () => ({ timeOrigin: VIRTUAL_EPOCH_MS }),
  };
}

/** process.hrtime over the virtual clock (nanoseconds). */
export function makeHrtime(world: World) {
  const hrtime = (previous?: [number, number]): [number, number] => {
    const ns = world.now * 1000;
    let seconds = Math.floor(ns / 1e9);
    let nanos = ns % 1e9;
    if (previous) {
      seconds -= previous[0];
      nanos -= previous[1];
      if (nanos < 0) {
        seconds -= 1;
        nanos += 1e9;
      }
    }
    return [seconds, nanos];
  };
  return Object.assign(hrtime, { bigint: () => BigInt(world.now) * 1000n });
}
