// Inside a peer's context: the globals a peer sees. Time is virtual
// (virtual-time.ts), Math.random is the incarnation's seeded stream, console
// writes to the peer's log, and what would reach the real world (the real
// clock, blocking waits, the garbage collector, exiting) is a trap: it
// throws, and the run fails with one line naming the student's file and line.

import { seededRandom } from '../../kit/random';
import type { World } from './world';
import { reported } from './bridge';
import { makeDate, makeHrtime, makePerformance, makeTimers } from './virtual-time';
import type { BootSpec } from './protocol';

type Globals = Record<string, unknown> & typeof globalThis;

/** Records the fault at the caller's line and stops the caller. */
export function trap(world: World, phrase: string): never {
  world.faultAt(undefined, phrase);
  const error = new Error(`${world.label} ${phrase}`);
  error.name = 'SimulationTrap';
  throw reported(error);
}

export interface Installed {
  boot(spec: BootSpec): void;
  /** The simulated Node modules, by name. */
  modules: Record<string, unknown>;
}

export function installGlobals(g: Globals, world: World): Installed {
  const timers = makeTimers(world);
  const log = (...args: unknown[]) => world.emit({ kind: 'log', text: world.host.format(args) });
  const env: Record<string, string> = {};
  const hrtime = makeHrtime(world);
  const performance = makePerformance(world);
  const process = makeProcess(world, log, env, hrtime);

  Object.assign(g, {
    global: g,
    setTimeout: timers.setTimeout, clearTimeout: timers.clearTimeout,
    setInterval: timers.setInterval, clearInterval: timers.clearInterval,
    setImmediate: timers.setImmediate, clearImmediate: timers.clearImmediate,
    queueMicrotask: (callback: () => void) => {
      void Promise.resolve().then(() => {
        try {
          callback();
        } catch (error) {
          world.crashed(error, 'a microtask');
        }
      });
    },
    Date: makeDate(g.Date, world),
    performance,
    console: makeConsole(log, world),
    process,
  });
  g.Math.random = () => trap(world, 'calls Math.random() before the peer booted');
  const gc = (name: string) => () => trap(world, `uses ${name}: the garbage collector is outside the simulation; keep a plain reference`);
  g.WeakRef = gc('WeakRef') as unknown as WeakRefConstructor;
  g.FinalizationRegistry = gc('FinalizationRegistry') as unknown as FinalizationRegistryConstructor;
  const blocks = (name: string) => () => trap(world, `calls ${name}: it waits in real time; use await sleep(ms), which is simulated`);
  Object.assign(g.Atomics, { wait: blocks('Atomics.wait'), waitAsync: blocks('Atomics.waitAsync') });

  const { promises, ...timerFunctions } = timers;
  return {
    modules: {
      timers: { ...timerFunctions, promises },
      'timers/promises': promises,
      perf_hooks: { performance },
      process,
    },
    boot(spec: BootSpec) {
      world.label = spec.label;
      g.Math.random = seededRandom(spec.seed);
      Object.assign(env, spec.env);
    },
  };
}

function makeConsole(log: (...args: unknown[]) => void, world: World) {
  const started = new Map<string, number>();
  const counts = new Map<string, number>();
  return {
    log, info: log, debug: log, warn: log, error: log, dir: (value: unknown) => log(value), table: log,
    trace: (...args: unknown[]) => log('Trace:', ...args),
    assert: (ok: unknown, ...args: unknown[]) => (ok ? undefined : log('Assertion failed', ...args)),
    time: (label = 'default') => void started.set(label, world.now),
    timeEnd: (label = 'default') => log(`${label}: ${((world.now - (started.get(label) ?? world.now)) / 1000).toFixed(3)}ms`),
    count: (label = 'default') => {
      counts.set(label, (counts.get(label) ?? 0) + 1);
      log(`${label}: ${counts.get(label)}`);
    },
    group: log, groupEnd: () => undefined,
  };
}

function makeProcess(world: World, log: (...args: unknown[]) => void, env: Record<string, string>, hrtime: unknown) {
  const real = (name: string) => () => trap(world, `calls process.${name}(): it reads the real machine, which is outside the simulation`);
  const stream = { write: (text: unknown) => (log(String(text).replace(/\n$/, '')), true), isTTY: false };
  const process: Record<string, unknown> = {
    env, argv: ['node', 'peer'], execArgv: [], pid: 1, ppid: 0, title: 'peer', arch: 'x64',
    platform: world.host.platform, version: world.host.version, versions: { node: world.host.version.slice(1) },
    hrtime,
    nextTick: (callback: (...args: unknown[]) => void, ...args: unknown[]) =>
      (globalThis.queueMicrotask as (cb: () => void) => void)(() => callback(...args)),
    stdout: stream, stderr: stream,
    cwd: () => '/',
    emitWarning: (warning: unknown) => log('Warning:', warning),
    exit: () => trap(world, 'calls process.exit(): a peer never exits; the tester crashes and restarts it'),
    abort: () => trap(world, 'calls process.abort(): a peer never exits; the tester crashes and restarts it'),
    kill: () => trap(world, 'calls process.kill(): other processes are outside the simulation'),
    uptime: real('uptime'), cpuUsage: real('cpuUsage'), memoryUsage: real('memoryUsage'), resourceUsage: real('resourceUsage'),
  };
  for (const name of ['on', 'once', 'off', 'addListener', 'removeListener', 'removeAllListeners', 'prependListener']) {
    process[name] = () => process; // a peer's process emits no events: it is crashed, never told
  }
  return process;
}
