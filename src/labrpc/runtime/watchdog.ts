// Catching a peer that never yields (a loop that never ends, an endless
// chain of microtasks). Such a peer would freeze the whole simulation, so a
// watchdog thread measures the CPU time of the running step; past the
// budget it pauses the main thread through the inspector (no port is
// opened: the session is the worker's own), reads where the code is, stops
// it (Runtime.terminateExecution) and resumes. The main thread learns the
// frames by a message.
//
// Termination unwinds everything on the main thread's stack, so a step must
// run from a microtask (incarnation.ts queues it): then only that microtask
// run ends, and Node's own bookkeeping (timers, async hooks) is untouched.
// Without the inspector (or with a debugger attached) there is no watchdog.

import { MessageChannel, Worker, type MessagePort } from 'worker_threads';
import type { Frame } from './locate';

const WORKER = `
const { workerData } = require('worker_threads');
const inspector = require('inspector');
const { state, port, build } = workerData; // state: [step number, busy, budget ms]
const session = new inspector.Session();
session.connectToMainThread();
const post = (method, params = {}) => new Promise((resolve, reject) =>
  session.post(method, params, (error, result) => (error ? reject(error) : resolve(result))));
const urls = new Map();
session.on('Debugger.scriptParsed', (m) => urls.set(m.params.scriptId, m.params.url));
const cpuMs = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
let watched = -1, startCpu = 0, checking = false;
setInterval(() => {
  if (checking) return;
  const step = Atomics.load(state, 0);
  if (Atomics.load(state, 1) === 0) { watched = -1; return; }
  if (step !== watched) { watched = step; startCpu = cpuMs(); return; }
  if (cpuMs() - startCpu < Atomics.load(state, 2)) return;
  checking = true;
  stop(step).catch(() => {}).finally(() => { checking = false; watched = -1; });
}, 50);
const running = (step) => Atomics.load(state, 0) === step && Atomics.load(state, 1) === 1;
async function stop(step) {
  await post('Debugger.enable');
  let frames = [];
  for (let attempt = 0; attempt < 50; attempt++) {
    const paused = new Promise((resolve) => session.once('Debugger.paused', (m) => resolve(m.params)));
    await post('Debugger.pause');
    const where = await paused;
    if (!running(step)) { await post('Debugger.resume'); await post('Debugger.disable'); return; }
    frames = where.callFrames.map((f) => ({ file: urls.get(f.location.scriptId) || f.url,
      line: f.location.lineNumber + 1, column: f.location.columnNumber + 1 }));
    if (frames.some((f) => f.file.includes(build))) break;
    await post('Debugger.resume'); // between two microtasks: try again inside one
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  port.postMessage({ step, frames });
  post('Runtime.terminateExecution').catch(() => {});
  await post('Debugger.resume');
  await post('Debugger.disable');
}
`;

export type RunawayHandler = (frames: Frame[]) => void;

export class Watchdog {
  private static instance: Watchdog | null | undefined;
  private readonly state = new Int32Array(new SharedArrayBuffer(12));
  private readonly port: MessagePort;
  private owner?: RunawayHandler;

  /** The process's watchdog (null when the inspector is missing or busy), budget in ms of CPU. */
  static get(build: string, budgetMs: number): Watchdog | null {
    if (Watchdog.instance === undefined) Watchdog.instance = Watchdog.start(build);
    Watchdog.instance?.setBudget(budgetMs);
    return Watchdog.instance;
  }

  private static start(build: string): Watchdog | null {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const inspector = require('inspector') as typeof import('inspector');
      if (inspector.url()) return null; // someone is debugging: stay out of the way
    } catch {
      return null;
    }
    return new Watchdog(build);
  }

  private constructor(build: string) {
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    this.port.on('message', (message: { step: number; frames: Frame[] }) => {
      if (message.step === Atomics.load(this.state, 0)) this.owner?.(message.frames);
    });
    this.port.unref();
    const worker = new Worker(WORKER, { eval: true, workerData: { state: this.state, port: port2, build }, transferList: [port2] });
    worker.unref();
  }

  private setBudget(budgetMs: number): void {
    Atomics.store(this.state, 2, budgetMs);
  }

  /** A step starts; `onRunaway` hears the frames if it overruns. */
  begin(onRunaway: RunawayHandler): void {
    this.owner = onRunaway;
    Atomics.add(this.state, 0, 1);
    Atomics.store(this.state, 1, 1);
    this.port.ref(); // the report must arrive even if nothing else keeps the process up
  }

  end(): void {
    Atomics.store(this.state, 1, 0);
    this.owner = undefined;
    this.port.unref();
  }
}
