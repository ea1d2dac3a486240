// Watching a run as it happens: a lab's checks of every event (not sampled)
// and its failure aids see each peer's steps, their effects in order, the
// network's ends of RPCs and the tester's notes. An observer only reads: it
// records nothing in the trace and draws no random number, so a run is the
// same, event for event and hash for hash, with or without one.
//
// A cutter may end a peer in the middle of a step, right after one of its
// effects (a save, a send): what the step did after that point is dropped,
// as a crash at that instant would drop it. That one does change the run;
// it is recorded in the trace, and draws from the lab's own seeded stream.

import type { Effect, Request } from '../../src/labrpc/runtime/protocol';
import type { Persisted } from './peers';

/** One incarnation of a peer: its slot's name ("2") and which incarnation (1, 2, ...). */
export interface PeerRef {
  readonly name: string;
  readonly incarnation: number;
}

export interface SimObserver {
  /** A fresh incarnation is booting from what its slot persisted. */
  booted?(peer: PeerRef, persisted: Persisted): void;
  /** An incarnation ended (the tester crashed it, or a cutter did). */
  crashed?(peer: PeerRef): void;
  /** A peer's step begins: what it is asked to run. */
  stepping?(peer: PeerRef, request: Request): void;
  /** An effect of the step, just applied; a send's `rpc` is the network's id for the call. */
  effect?(peer: PeerRef, effect: Effect, rpc?: number): void;
  /** An apply message the peer sent, decoded (after the tester's own appliers saw it). */
  applied?(peer: PeerRef, msg: Record<string, unknown>): void;
  /** The network ended an RPC: delivered its reply, or said why not (its caller gets null). */
  rpcEnded?(rpc: number, why: string): void;
  /** A tester action (connect, disconnect, reliable, ...). */
  noted?(kind: string, detail: string): void;
}

/** Ends a peer in the middle of a step. */
export interface StepCutter {
  /** After effect `k` of the step was applied: end the peer now, dropping effects k+1 ... of the step? */
  cutAfter(peer: PeerRef, effects: readonly Effect[], k: number, request: Request): boolean;
  /** Ends it (the lab's crash, e.g. disconnect and crash); the simulator makes sure it is dead after. */
  crash(name: string): void;
}

/** Every observer added, as one. */
export class Observers implements Required<SimObserver> {
  private readonly list: SimObserver[] = [];

  add(observer: SimObserver): void {
    this.list.push(observer);
  }

  get active(): boolean {
    return this.list.length > 0;
  }

  booted(peer: PeerRef, persisted: Persisted): void {
    for (const o of this.list) o.booted?.(peer, persisted);
  }

  crashed(peer: PeerRef): void {
    for (const o of this.list) o.crashed?.(peer);
  }

  stepping(peer: PeerRef, request: Request): void {
    for (const o of this.list) o.stepping?.(peer, request);
  }

  effect(peer: PeerRef, effect: Effect, rpc?: number): void {
    for (const o of this.list) o.effect?.(peer, effect, rpc);
  }

  applied(peer: PeerRef, msg: Record<string, unknown>): void {
    for (const o of this.list) o.applied?.(peer, msg);
  }

  rpcEnded(rpc: number, why: string): void {
    for (const o of this.list) o.rpcEnded?.(rpc, why);
  }

  noted(kind: string, detail: string): void {
    for (const o of this.list) o.noted?.(kind, detail);
  }
}
