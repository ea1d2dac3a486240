// The strict checks of what peers apply, at every apply:
//
// - state machine safety: no two peers ever apply different commands at one
//   index, in any incarnation, snapshots included (the course's applier
//   forgets a peer's history when it ingests a snapshot);
// - apply order: each incarnation applies every index once, in order, from
//   just after the snapshot it restarted from (the lab's restart contract);
//   a snapshot it applies moves it forward. The course's applier lets a
//   duplicate apply through outside 2D;
// - durability: a snapshot a peer hands its service is already in its
//   persister (saved before it is applied), so that a crash cannot take back
//   what the service was given.

import { encodeText } from '../../../../src/labrpc/codec';
import type { Simulation } from '../../../sim';
import { readTesterSnapshot } from './applier';
import { secondsUs, type StrictChecks } from './checks';
import type { RaftEvent } from './watch';

interface Chosen {
  command: string;
  peer: number;
  at: number;
}

export class ApplyChecks {
  /** Index → the first command applied there, by whom, when. */
  private readonly chosen = new Map<number, Chosen>();
  /** Per incarnation ("peer/incarnation"): the last index it applied (or its snapshot's). */
  private readonly last = new Map<string, number>();

  constructor(
    private readonly checks: StrictChecks,
    private readonly sim: Simulation,
    /** 2D: snapshots are the tester's, and count. */
    private readonly snapshots: boolean,
  ) {}

  on(e: RaftEvent): void {
    if (e.type === 'boot') {
      const restored = this.snapshots ? (readTesterSnapshot(e.persisted.snapshot)?.index ?? 0) : 0;
      return void this.last.set(`${e.peer}/${e.incarnation}`, restored);
    }
    if (e.type !== 'apply') return;
    const key = `${e.peer}/${e.incarnation}`;
    const last = this.last.get(key) ?? 0;
    const msg = e.msg;
    if (msg.commandValid === true && typeof msg.commandIndex === 'number') {
      const index = msg.commandIndex;
      if (index !== last + 1) {
        const what =
          index <= last
            ? `again (it had applied up to index ${last})`
            : `right after index ${last} (skipping ${last + 1})`;
        this.checks.break(
          'apply order',
          `peer ${e.peer} applied index ${index} ${what}: each index is applied once, in order` +
            (e.incarnation > 1 ? `, a restarted peer's from index 1 (or just after its snapshot, if it has one)` : ''),
        );
      }
      this.last.set(key, Math.max(index, last));
      return this.agree(index, encodeText(msg.command, 'command', 'the tester'), e.peer, e.at);
    }
    if (!this.snapshots || msg.snapshotValid !== true || typeof msg.snapshotIndex !== 'number') return;
    const index = msg.snapshotIndex;
    if (index <= last) {
      this.checks.break(
        'apply order',
        `peer ${e.peer} applied a snapshot through index ${index} after it had applied index ${last}: ` +
          `a snapshot moves the service forward, never back`,
      );
    }
    this.last.set(key, Math.max(index, last));
    const saved = readTesterSnapshot(this.sim.peers.persisted(String(e.peer)).snapshot)?.index ?? 0;
    if (saved < index) {
      this.checks.break(
        'durability',
        `peer ${e.peer} handed its service the snapshot through index ${index} before saving it ` +
          `(its persister held ${saved ? `the snapshot through index ${saved}` : 'no snapshot'}): a crash then would take ` +
          `back what the service was given; save it (persister.save) before applying it`,
      );
    }
    const snapshot = readTesterSnapshot(msg.snapshot as Uint8Array);
    snapshot?.log.forEach((command, j) => command !== null && this.agree(j, command, e.peer, e.at));
  }

  private agree(index: number, command: string, peer: number, at: number): void {
    const chosen = this.chosen.get(index);
    if (!chosen) return void this.chosen.set(index, { command, peer, at });
    if (chosen.command === command) return;
    this.checks.break(
      'state machine safety',
      `peer ${peer} applied ${short(command)} at index ${index} at ${secondsUs(at)}, ` +
        `but peer ${chosen.peer} applied ${short(chosen.command)} there at ${secondsUs(chosen.at)}`,
    );
  }
}

function short(command: string): string {
  return command.length > 40 ? `${command.slice(0, 37)}...` : command;
}
