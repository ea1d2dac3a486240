// What the host (the process around a peer's vm context) lends the code
// inside the context, and what that code hands back. Only strings and
// numbers cross, so no object of one realm leaks into the other.

export const BRIDGE = Symbol.for('mr-lab.sim.bridge');

export interface HostBridge {
  /** console's text for some arguments (util.format). */
  format(args: unknown[]): string;
  /** The student's file and line ("src/raft/raft.ts:120") in a stack, or in the current one. */
  where(stack?: string): string | null;
  /** Loads a module of the build by its path from the build's root ('src/raft/raft'). */
  load(path: string): unknown;
  /** Called once by inside.ts, which the host loads first. */
  attach(inside: InsideApi): void;
  platform: string;
  version: string;
}

export interface InsideApi {
  /** Runs one request (JSON); its microtasks run when the host's script returns. */
  step(request: string): void;
  /** The effects since the last collect, as JSON. */
  collect(): string;
  /** Records a fault (a broken rule) at the student's line in `stack` as an effect of the current step. */
  faultAt(stack: string | undefined, phrase: string): void;
  /** Records an exception that escaped the student's code (an unhandled rejection, say). */
  crashed(error: unknown, during: string): void;
  /** The simulated version of a Node module ('timers', 'timers/promises', 'perf_hooks', 'process'). */
  module(name: string): unknown;
}

const REPORTED = Symbol.for('mr-lab.sim.reported');

/** Marks an error whose fault is already recorded, so that it is not reported again as it propagates. */
export function reported<E>(error: E): E {
  if (error !== null && typeof error === 'object') (error as Record<symbol, boolean>)[REPORTED] = true;
  return error;
}

export function isReported(error: unknown): boolean {
  return error !== null && typeof error === 'object' && (error as Record<symbol, boolean>)[REPORTED] === true;
}
