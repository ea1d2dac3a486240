// The host's side of one peer incarnation: a fresh vm context holding the
// kit's runtime (inside.ts) and, once booted, the student's code. step()
// runs one request to quiescence and answers its effects. The same class
// serves both ways of running: called directly by the grader (one process),
// or by process-main.ts behind a pipe (a process per incarnation).

import * as fs from 'fs';
import * as path from 'path';
import * as util from 'util';
import * as vm from 'vm';
import { BRIDGE, reported, type HostBridge, type InsideApi } from './bridge';
import { ModuleLoader } from './loader';
import { Locator, currentFrames, parseStack, type Frame } from './locate';
import { Watchdog } from './watchdog';
import type { Effect, Request } from './protocol';

export interface IncarnationOptions {
  /** The compiled tree: <build>/src/labrpc/runtime/inside.js and the student's files. */
  build: string;
  /** Messages name files relative to this folder (where the .ts sources are). */
  sourceRoot: string;
  /** CPU a step may use before the peer counts as never yielding (ms; 0 = no watchdog). */
  cpuBudgetMs: number;
}

const STEP = new vm.Script('globalThis[Symbol.for("mr-lab.sim.bridge")].runStep()');
/** Each context's Promise.prototype, to tell whose promise an unhandled rejection is. */
const byPromisePrototype = new WeakMap<object, Incarnation>();

export class Incarnation {
  private readonly context: vm.Context;
  private readonly locator: Locator;
  private readonly watchdog: Watchdog | null;
  private inside!: InsideApi;
  private label = 'peer';
  private request = '';
  private settle?: (effects: Effect[]) => void;
  private broken?: string;

  constructor(private readonly options: IncarnationOptions) {
    const inside = path.join(options.build, 'src', 'labrpc', 'runtime', 'inside.js');
    if (!fs.existsSync(inside)) throw new Error(`${inside} is missing: the build must hold the kit's compiled src/labrpc`);
    this.locator = new Locator(options.build, options.sourceRoot);
    this.watchdog = options.cpuBudgetMs > 0 ? Watchdog.get(options.build, options.cpuBudgetMs) : null;
    this.context = vm.createContext(this.hostGlobals(), {
      name: 'peer',
      microtaskMode: 'afterEvaluate',
      codeGeneration: { strings: false, wasm: false },
    });
    byPromisePrototype.set(vm.runInContext('Promise.prototype', this.context), this);
    const loader = new ModuleLoader(options.build, this.context, {
      simulated: (name) => this.inside.module(name),
      trap: (phrase) => this.trap(phrase),
    });
    this.bridge.load = (relative) => loader.loadFromRoot(relative);
    loader.loadFromRoot('src/labrpc/runtime/inside');
    watchRejections();
  }

  /** Runs one request; resolves to its effects, in order. */
  async step(request: Request): Promise<Effect[]> {
    if (this.broken) return [{ kind: 'fault', message: this.broken }];
    if (request.kind === 'boot') {
      this.label = request.boot.label;
      await this.watchdog?.ready;
    }
    this.request = JSON.stringify(request);
    return new Promise((resolve) => {
      this.settle = resolve;
      // A runaway's termination ends the current run of microtasks: it must be one that Node starts
      // after a callback (here an immediate's), never its own bookkeeping or the main script's.
      setImmediate(() => queueMicrotask(() => this.run()));
    });
  }

  /** The incarnation is dead: nothing of it runs again. */
  dispose(): void {
    this.broken ??= `${this.label} is dead`;
  }

  private run(): void {
    this.watchdog?.begin((frames) => this.runaway(frames));
    try {
      STEP.runInContext(this.context);
    } catch (error) {
      this.inside.faultAt(undefined, `broke the kit's runtime: ${String(error)}`);
    }
    this.watchdog?.end();
    setImmediate(() => this.finish()); // Node reports unhandled rejections before this
  }

  private finish(): void {
    const settle = this.settle;
    this.settle = undefined;
    settle?.(JSON.parse(this.inside.collect()) as Effect[]);
  }

  private runaway(frames: Frame[]): void {
    this.watchdog?.end();
    const where = this.locator.where(frames);
    const seconds = this.options.cpuBudgetMs / 1000;
    this.broken = `${this.label} ran ${seconds} s of CPU without yielding${where ? `, at ${where}` : ''}`;
    const effects = JSON.parse(this.inside.collect()) as Effect[];
    effects.push({ kind: 'fault', message: this.broken });
    const settle = this.settle;
    this.settle = undefined;
    this.dispose();
    settle?.(effects);
  }

  /** An unhandled rejection of this context's code: the peer would have crashed. */
  rejected(reason: unknown): void {
    if (!this.broken) this.inside.crashed(reason, 'an async function whose rejection nobody handled');
  }

  private trap(phrase: string): never {
    this.inside.faultAt(undefined, phrase);
    const error = new Error(`${this.label} ${phrase}`);
    error.name = 'SimulationTrap';
    throw reported(error);
  }

  private bridge: HostBridge = {
    format: (args) => util.format(...args),
    where: (stack) => this.locator.where(stack === undefined ? currentFrames() : parseStack(stack)),
    load: () => undefined,
    attach: (inside) => {
      this.inside = inside;
    },
    platform: process.platform,
    version: process.version,
  };

  /** What the context gets from the host: the bridge and the pure web globals. */
  private hostGlobals(): Record<string | symbol, unknown> {
    const bridge = this.bridge as HostBridge & { runStep(): void };
    bridge.runStep = () => this.inside.step(this.request);
    const signal = function AbortSignal() {
      throw new TypeError('Illegal constructor');
    };
    Object.assign(signal, {
      prototype: AbortSignal.prototype,
      abort: (reason?: unknown) => AbortSignal.abort(reason),
      timeout: () => this.trap('calls AbortSignal.timeout(): it is a real timer; use setTimeout and an AbortController'),
    });
    return {
      [BRIDGE]: bridge,
      Buffer, TextEncoder, TextDecoder, URL, URLSearchParams, atob, btoa, structuredClone,
      AbortController, AbortSignal: signal, Event, EventTarget,
    };
  }
}

/**
 * Routes an unhandled rejection to the incarnation whose code made the
 * promise. The listener goes on the real process object (a test runner may
 * hand this module a copy), and back on it if someone took it off.
 */
const realProcess = vm.runInThisContext('process') as NodeJS.Process;

function watchRejections(): void {
  if (!realProcess.listeners('unhandledRejection').includes(onRejection)) realProcess.on('unhandledRejection', onRejection);
}

function onRejection(reason: unknown, promise: Promise<unknown>): void {
  const incarnation = byPromisePrototype.get(Object.getPrototypeOf(promise));
  if (incarnation) return incarnation.rejected(reason);
  if (realProcess.listenerCount('unhandledRejection') === 1) {
    process.nextTick(() => {
      throw reason; // not a peer's: what Node would have done without this listener
    });
  }
}
