// Inside a peer's context: how each lab builds a fresh incarnation's
// services. A server may hold several services, each reached by RPCs named
// "Service.method": Raft alone for Lab 2; the KV lab will register its
// KVServer beside the Raft it makes.

import { Persister } from '../persister';
import type { ApplyChannel, ApplyMsg, ClientEnd } from '../index';
import { SimClientEnd, type World } from './world';
import { reported } from './bridge';
import type { BootSpec } from './protocol';

export interface BootEnv {
  world: World;
  spec: BootSpec;
  peers: ClientEnd[];
  persister: Persister;
  applyCh: ApplyChannel;
  /** Loads a module of the build by its path from the build's root. */
  load(path: string): Record<string, unknown>;
  register(service: string, target: unknown): void;
}

/** Lab 2: make(peers, me, persister, applyCh) from the student's raft module, served as "Raft". */
function bootRaft(env: BootEnv): void {
  const path = typeof env.spec.args.module === 'string' ? env.spec.args.module : 'src/raft/raft';
  const make = env.load(path).make;
  if (typeof make !== 'function') {
    env.world.fault(`${path}.ts exports no function make(peers, me, persister, applyCh)`);
    return;
  }
  const raft: unknown = make(env.peers, env.spec.args.me, env.persister, env.applyCh);
  if (raft !== null && typeof raft === 'object' && typeof (raft as PromiseLike<unknown>).then === 'function') {
    env.world.fault(`make() returned a Promise: it must return the Raft itself, at once (start long-running work without awaiting it)`);
    return;
  }
  env.register('Raft', raft);
}

const BOOTS: Record<string, (env: BootEnv) => void> = { raft: bootRaft };

/** Builds the incarnation: its ends, its persister, its apply channel, then the lab's services. */
export function boot(world: World, spec: BootSpec, load: (path: string) => Record<string, unknown>): void {
  const lab = BOOTS[spec.lab];
  if (!lab) {
    world.fault(`no lab called ${spec.lab} (known: ${Object.keys(BOOTS).join(', ')})`);
    return;
  }
  const persister = new Persister(fromBase64(spec.raftstate), fromBase64(spec.snapshot));
  persister.onSave = (raftstate, snapshot) =>
    world.emit({ kind: 'save', raftstate: toBase64(raftstate), snapshot: toBase64(snapshot) });
  const applyCh: ApplyChannel = {
    send(msg: ApplyMsg) {
      checkApplyMsg(world, msg);
      world.emit({ kind: 'apply', msg: world.encodeOrThrow(msg, 'msg', 'the apply channel', 'calls applyCh.send()') });
    },
  };
  const peers = Array.from({ length: spec.ends }, (_, i) => new SimClientEnd(world, i));
  const register = (service: string, target: unknown) => {
    if (target === null || typeof target !== 'object') world.fault(`the ${service} service is ${String(target)}, not an object`);
    else world.services.set(service, target);
  };
  try {
    lab({ world, spec, peers, persister, applyCh, load, register });
  } catch (error) {
    world.crashed(error, 'boot');
  }
}

function checkApplyMsg(world: World, msg: unknown): void {
  const m = msg as Record<string, unknown> | null;
  const ok =
    m !== null && typeof m === 'object' &&
    ((m.commandValid === true && typeof m.commandIndex === 'number' && 'command' in m) ||
      (m.snapshotValid === true && typeof m.snapshotIndex === 'number' && typeof m.snapshotTerm === 'number'));
  if (!ok) {
    const phrase = 'calls applyCh.send() with a message that is neither ' +
      '{ commandValid: true, command, commandIndex } nor { snapshotValid: true, snapshot, snapshotTerm, snapshotIndex }';
    world.faultAt(undefined, phrase);
    throw reported(new TypeError(phrase));
  }
}

function fromBase64(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, 'base64'));
}

function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}
