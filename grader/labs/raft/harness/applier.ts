// The tester's side of every peer's ApplyChannel (the course's applier and
// applierSnap): it records what each peer applied at each index and fails
// the run at once when two peers applied different commands at one index,
// when a peer applies out of order, or (with snapshots) when a command's
// index is not lastApplied + 1. With snapshots it also asks for one every
// SNAPSHOT_INTERVAL commands and ingests the snapshots peers apply.

import { decode, encode, encodeText } from '../../../../src/labrpc/codec';
import { SNAPSHOT_INTERVAL } from './constants';

/** The tester's snapshot: the index and every command up to it (commands as codec text; index 0 empty). */
export interface TesterSnapshot {
  index: number;
  log: (string | null)[];
}

/** The tester's snapshot in these bytes (a snapshot the tester made), or undefined. */
export function readTesterSnapshot(bytes: Uint8Array): TesterSnapshot | undefined {
  if (bytes.length === 0) return undefined;
  try {
    const snapshot = decode<TesterSnapshot>(bytes);
    return typeof snapshot?.index === 'number' && Array.isArray(snapshot.log) ? snapshot : undefined;
  } catch {
    return undefined;
  }
}

export interface ApplierHooks {
  fail(message: string): void;
  /** Asks peer i to snapshot through index (2D). */
  snapshot(i: number, index: number, bytes: Uint8Array): void;
}

export class Applier {
  /** Per peer: index → the command applied there (codec text, which is canonical). */
  private readonly logs: Map<number, string>[];
  private readonly lastApplied: number[];
  maxIndex = 0;

  constructor(
    n: number,
    private readonly snapshots: boolean,
    private readonly hooks: ApplierHooks,
  ) {
    this.logs = Array.from({ length: n }, () => new Map());
    this.lastApplied = new Array<number>(n).fill(0);
  }

  /** A peer applied a message. */
  applied(i: number, msg: Record<string, unknown>): void {
    if (msg.snapshotValid === true && this.snapshots) return this.ingest(i, msg.snapshot, msg.snapshotIndex as number);
    if (msg.commandValid !== true) return;
    const index = msg.commandIndex as number;
    if (this.snapshots && index !== this.lastApplied[i] + 1) {
      return this.hooks.fail(`server ${i} apply out of order, expected index ${this.lastApplied[i] + 1}, got ${index}`);
    }
    const command = encodeText(msg.command, 'command', 'the tester');
    for (const [j, log] of this.logs.entries()) {
      const other = log.get(index);
      if (other !== undefined && other !== command) {
        return this.hooks.fail(`commit index=${index} server=${i} ${command} != server=${j} ${other}`);
      }
    }
    const hadPrevious = this.logs[i].has(index - 1);
    this.logs[i].set(index, command);
    this.maxIndex = Math.max(this.maxIndex, index);
    if (!this.snapshots && index > 1 && !hadPrevious) return this.hooks.fail(`server ${i} apply out of order ${index}`);
    this.lastApplied[i] = index;
    if (this.snapshots && (index + 1) % SNAPSHOT_INTERVAL === 0) {
      const log = Array.from({ length: index + 1 }, (_, j) => this.logs[i].get(j) ?? null);
      this.hooks.snapshot(i, index, encode({ index, log } satisfies TesterSnapshot));
    }
  }

  /** Peer i restarted: it applies afresh from its persisted snapshot, if any (the tester ingests it, as the course's). */
  restarted(i: number, snapshot: Uint8Array): void {
    this.lastApplied[i] = 0;
    if (this.snapshots && snapshot.length > 0) this.ingest(i, snapshot, -1);
  }

  /** Whether peer i applied index. */
  hasApplied(i: number, index: number): boolean {
    return this.logs[i].has(index);
  }

  /** How many peers applied index, and the command (all must agree). */
  committed(index: number): { count: number; command?: string } {
    let count = 0;
    let command: string | undefined;
    for (const log of this.logs) {
      const applied = log.get(index);
      if (applied === undefined) continue;
      if (count > 0 && applied !== command) {
        this.hooks.fail(`committed values do not match: index ${index}, ${command}, ${applied}`);
      }
      count++;
      command = applied;
    }
    return { count, command };
  }

  private ingest(i: number, bytes: unknown, index: number): void {
    let snapshot: TesterSnapshot;
    try {
      snapshot = decode<TesterSnapshot>(bytes as Uint8Array);
    } catch {
      return this.hooks.fail(
        `server ${i} applied a snapshot that is not the tester's (pass the bytes given to snapshot() unchanged)`,
      );
    }
    if (index !== -1 && index !== snapshot.index)
      return this.hooks.fail(`server ${i} snapshot doesn't match m.snapshotIndex`);
    this.logs[i] = new Map();
    snapshot.log.forEach((command, j) => command !== null && this.logs[i].set(j, command));
    this.lastApplied[i] = snapshot.index;
  }
}
