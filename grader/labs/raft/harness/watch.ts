// The Raft cluster as seen from outside, event by event: the simulator's
// steps and effects (observer.ts) read as Raft events, each with its virtual
// time: a peer sent an RPC (and of what kind, with the paper's fields), got
// one, answered it, heard the answer or lost it; applied, saved, logged; the
// tester asked its state. The strict checks and the failure aids listen. It
// only reads, so a run is the same watched or not.

import type { Effect, Request } from '../../../../src/labrpc/runtime/protocol';
import type { PeerRef, Persisted, SimObserver, Simulation } from '../../../sim';
import { readFields, rpcKind, type Fields, type RpcKind } from './messages';

interface At {
  /** Virtual microseconds. */
  at: number;
  /** The peer (its index) and its incarnation. */
  peer: number;
  incarnation: number;
}

/** An RPC as both its ends knew it. */
export interface RpcInfo {
  rpc: number;
  from: number;
  to: number;
  kind: RpcKind;
  method: string;
  args: Fields;
  sentAt: number;
}

export type RaftEvent =
  | (At & { type: 'boot'; persisted: Persisted })
  | (At & { type: 'crash' })
  | (At & { type: 'send'; info: RpcInfo })
  | (At & { type: 'receive'; info: RpcInfo })
  | (At & { type: 'reply'; info: RpcInfo; reply: Fields })
  | (At & { type: 'returned'; info: RpcInfo; reply: Fields | null; why: string })
  | (At & { type: 'apply'; msg: Record<string, unknown> })
  | (At & { type: 'save'; raftBytes: number; snapshotBytes: number })
  | (At & { type: 'log'; text: string })
  | (At & { type: 'call'; method: string; value: unknown })
  | { type: 'lost'; at: number; info: RpcInfo; why: string }
  | { type: 'note'; at: number; kind: string; detail: string };

export type RaftListener = (event: RaftEvent) => void;

interface Rpc extends RpcInfo {
  reply?: Fields;
  why?: string;
  /** The caller's own id of the call (its send effect's). */
  call: number;
  caller: string;
}

export class RaftWatch implements SimObserver {
  private readonly listeners: RaftListener[] = [];
  private readonly rpcs = new Map<number, Rpc>();
  /** "peer/incarnation/call" → the network's RPC id. */
  private readonly calls = new Map<string, number>();
  /** Per incarnation ("peer/incarnation"): the tester's call it is running. */
  private readonly invoking = new Map<string, string>();
  /** The incarnations alive ("peer/incarnation"). */
  private readonly live = new Set<string>();

  constructor(private readonly sim: Simulation) {}

  listen(listener: RaftListener): void {
    this.listeners.push(listener);
  }

  booted(ref: PeerRef, persisted: Persisted): void {
    this.live.add(`${ref.name}/${ref.incarnation}`);
    this.emit({ type: 'boot', ...this.at(ref), persisted });
  }

  crashed(ref: PeerRef): void {
    this.live.delete(`${ref.name}/${ref.incarnation}`);
    this.emit({ type: 'crash', ...this.at(ref) });
  }

  stepping(ref: PeerRef, request: Request): void {
    const key = `${ref.name}/${ref.incarnation}`;
    if (request.kind === 'request') {
      const rpc = this.rpcs.get(request.rpc);
      if (rpc) this.emit({ type: 'receive', ...this.at(ref), info: rpc });
    } else if (request.kind === 'reply') {
      const id = this.calls.get(`${key}/${request.call}`);
      const rpc = id === undefined ? undefined : this.rpcs.get(id);
      if (!rpc || id === undefined) return;
      this.calls.delete(`${key}/${request.call}`);
      this.rpcs.delete(id);
      const reply = request.reply === null ? null : (rpc.reply ?? readFields(request.reply));
      this.emit({ type: 'returned', ...this.at(ref), info: rpc, reply, why: rpc.why ?? 'ok' });
    } else if (request.kind === 'invoke') {
      this.invoking.set(key, request.method);
    }
  }

  effect(ref: PeerRef, effect: Effect, id?: number): void {
    const at = this.at(ref);
    switch (effect.kind) {
      case 'send': {
        if (id === undefined) return;
        const kind = rpcKind(effect.method);
        const rpc: Rpc = {
          rpc: id,
          from: at.peer,
          to: effect.end,
          kind,
          method: effect.method,
          args: kind === 'other' ? {} : readFields(effect.args),
          sentAt: at.at,
          call: effect.call,
          caller: `${ref.name}/${ref.incarnation}`,
        };
        this.rpcs.set(id, rpc);
        this.calls.set(`${rpc.caller}/${effect.call}`, id);
        return this.emit({ type: 'send', ...at, info: rpc });
      }
      case 'reply': {
        const rpc = this.rpcs.get(effect.rpc);
        if (!rpc) return;
        rpc.reply = rpc.kind === 'other' ? {} : readFields(effect.reply);
        return this.emit({ type: 'reply', ...at, info: rpc, reply: rpc.reply });
      }
      case 'save':
        // base64 lengths: 4 characters for every 3 bytes
        return this.emit({
          type: 'save',
          ...at,
          raftBytes: bytes(effect.raftstate),
          snapshotBytes: bytes(effect.snapshot),
        });
      case 'log':
        return this.emit({ type: 'log', ...at, text: effect.text });
      case 'result': {
        const key = `${ref.name}/${ref.incarnation}`;
        const method = this.invoking.get(key);
        this.invoking.delete(key);
        if (method !== 'getState' && method !== 'start') return;
        let value: unknown;
        try {
          value = effect.value === null ? undefined : JSON.parse(effect.value);
        } catch {
          return;
        }
        return this.emit({ type: 'call', ...at, method, value });
      }
    }
  }

  applied(ref: PeerRef, msg: Record<string, unknown>): void {
    this.emit({ type: 'apply', ...this.at(ref), msg });
  }

  rpcEnded(id: number, why: string): void {
    const rpc = this.rpcs.get(id);
    if (!rpc) return;
    rpc.why = why;
    if (why !== 'ok') this.emit({ type: 'lost', at: this.sim.clock.now(), info: rpc, why });
    if (!this.live.has(rpc.caller)) this.forget(rpc); // no reply step will come; else it says the rest
  }

  noted(kind: string, detail: string): void {
    this.emit({ type: 'note', at: this.sim.clock.now(), kind, detail });
  }

  private forget(rpc: Rpc): void {
    this.rpcs.delete(rpc.rpc);
    this.calls.delete(`${rpc.caller}/${rpc.call}`);
  }

  private at(ref: PeerRef): At {
    return { at: this.sim.clock.now(), peer: Number(ref.name), incarnation: ref.incarnation };
  }

  private emit(event: RaftEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}

function bytes(base64: string): number {
  return Buffer.byteLength(base64, 'base64');
}
