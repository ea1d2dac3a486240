// Catching a peer that never yields (a loop that never ends, an endless
// chain of microtasks). Such a peer would freeze the whole simulation, so a
// watchdog thread measures the CPU time of the running step; past the
// budget it finds the student's line through the inspector (no port is
// opened: the session is the worker's own): it pauses the main thread and
// reads the top frames, which is exact for a loop; for a chain of
// microtasks, where a pause lands between two of them, it samples the
// thread with the profiler instead. Then it stops the code
// (Runtime.terminateExecution); the main thread learns the line by a message.
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
// The session connects only to stop a runaway: a session left connected makes
// Node print "Waiting for the debugger to disconnect..." when the process exits.
const session = new inspector.Session();
port.postMessage({ ready: true });
const post = (method, params = {}) => new Promise((resolve, reject) =>
  session.post(method, params, (error, result) => (error ? reject(error) : resolve(result))));
const cpuMs = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
const running = (step) => Atomics.load(state, 0) === step && Atomics.load(state, 1) === 1;
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
// Pauses the main thread: in a loop, the top frames are the loop's. Between two
// microtasks no student code is on the stack; then sampling for a while finds
// where the time goes.
async function stop(step) {
  session.connectToMainThread();
  try {
    let frames = await pausedFrames();
    if (!frames.some((frame) => isStudent(frame.file))) frames = await sampledFrames();
    if (!running(step)) return;
    port.postMessage({ step, frames });
    await post('Runtime.terminateExecution');
  } finally {
    session.disconnect();
  }
}
const urls = new Map();
session.on('Debugger.scriptParsed', (m) => urls.set(m.params.scriptId, m.params.url));
async function pausedFrames() {
  await post('Debugger.enable');
  const paused = new Promise((resolve) => session.once('Debugger.paused', (m) => resolve(m.params)));
  await post('Debugger.pause');
  const { callFrames } = await paused;
  await post('Debugger.resume');
  await post('Debugger.disable');
  return callFrames.map((f) => ({ file: urls.get(f.location.scriptId) || f.url,
    line: f.location.lineNumber + 1, column: f.location.columnNumber + 1 }));
}
async function sampledFrames() {
  await post('Profiler.enable');
  await post('Profiler.setSamplingInterval', { interval: 200 });
  await post('Profiler.start');
  await new Promise((resolve) => setTimeout(resolve, 150));
  const { profile } = await post('Profiler.stop');
  await post('Profiler.disable');
  return hottest(profile);
}
const isStudent = (url) => url.includes(build) && !/\\/src\\/(labrpc|kit)\\//.test(url);
// The student's frame seen in the most samples: a sample's own function, or the nearest caller in the build.
function hottest(profile) {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map();
  for (const node of profile.nodes) for (const child of node.children || []) parent.set(child, node.id);
  const counts = new Map();
  for (const sample of profile.samples) {
    let id = sample;
    while (id !== undefined && !isStudent(nodes.get(id).callFrame.url)) id = parent.get(id);
    if (id !== undefined) counts.set(id, (counts.get(id) || 0) + 1);
  }
  const best = [...counts.entries()].sort((a, b) => b[1] - a[1])[0];
  if (!best) return [];
  const node = nodes.get(best[0]);
  const ticks = (node.positionTicks || []).slice().sort((a, b) => b.ticks - a.ticks);
  const line = ticks.length ? ticks[0].line : node.callFrame.lineNumber + 1;
  return [{ file: node.callFrame.url, line, column: 1 }];
}
`;

export type RunawayHandler = (frames: Frame[]) => void;

export class Watchdog {
  private static instance: Watchdog | null | undefined;
  private readonly state = new Int32Array(new SharedArrayBuffer(12));
  private readonly port: MessagePort;
  private owner?: RunawayHandler;
  /** Resolves once the thread watches (a thread starts only while the main thread is free to help). */
  readonly ready: Promise<void>;

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
    let markReady!: () => void;
    this.ready = new Promise((resolve) => (markReady = resolve));
    this.port.on('message', (message: { ready?: boolean; step: number; frames: Frame[] }) => {
      if (message.ready) return markReady();
      const stillRunning = message.step === Atomics.load(this.state, 0) && Atomics.load(this.state, 1) === 1;
      if (stillRunning) this.owner?.(message.frames);
    });
    const worker = new Worker(WORKER, { eval: true, workerData: { state: this.state, port: port2, build }, transferList: [port2] });
    worker.on('error', () => markReady()); // no watchdog after all; never hold up the run
    worker.unref();
    void this.ready.then(() => this.port.unref());
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
