// A peer slot and its incarnations as the simulator keeps them (peers.ts
// drives them): what a slot persisted, and the live incarnation, its timers
// and ends; and the small formats of peers' lines.

import type { Scheduled } from './clock';
import type { HostedPeer } from './hosts';
import type { ServerTarget } from './network';
import type { PeerRef } from './observer';

export interface PeerSpec {
  /** How messages name the peer: "peer 2". */
  label: string;
  /** The boot function (src/labrpc/runtime/boots.ts), e.g. 'raft'. */
  lab: string;
  /** The lab's boot arguments, e.g. { me: 2 }. */
  args: Record<string, unknown>;
  env?: Record<string, string>;
}

export interface Persisted {
  raftstate: Uint8Array;
  snapshot: Uint8Array;
}

export type ApplyListener = (peer: string, msg: Record<string, unknown>) => void;

export interface Slot {
  name: string;
  spec: PeerSpec;
  persisted: Persisted;
  incarnations: number;
  current?: Instance;
}

/** One incarnation of a slot. */
export class Instance implements ServerTarget {
  dead = false;
  readonly timers = new Map<number, Scheduled>();
  readonly label: string;
  readonly tag: string;
  readonly ref: PeerRef;

  constructor(
    readonly slot: Slot,
    readonly number: number,
    readonly hosted: HostedPeer,
    readonly ends: string[],
    /** Runs an RPC's handler: a request step on this incarnation. */
    readonly dispatch: (rpc: number, method: string, args: string) => Promise<void>,
  ) {
    this.label = slot.spec.label;
    this.tag = `${slot.spec.label.replace(/ /g, '')}#${number}`;
    this.ref = { name: slot.name, incarnation: number };
  }

  alive(): boolean {
    return !this.dead;
  }
}

/** A log line's characters past which the rest is left out (a peer's flood must not fill the tester). */
export const LOG_LINE_MAX = 2000;

export function emptyPersisted(): Persisted {
  return { raftstate: new Uint8Array(0), snapshot: new Uint8Array(0) };
}

export function shorten(text: string): string {
  return `${text.slice(0, LOG_LINE_MAX)}... (${text.length - LOG_LINE_MAX} more characters)`;
}

export function fromBase64(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, 'base64'));
}

/** Virtual seconds with microseconds, for log lines: "   12.345678". */
export function formatTime(us: number): string {
  return (us / 1e6).toFixed(6).padStart(11);
}
