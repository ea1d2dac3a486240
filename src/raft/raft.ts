// A placeholder for the student's Raft (Lab 2), to be replaced by the
// skeleton and its handout. It builds and boots, but never elects a leader:
// every test of the lab fails on behaviour, quickly.

import type { ApplyChannel, ClientEnd, Persister } from '../labrpc';

export class Raft {
  getState(): [number, boolean] {
    return [0, false];
  }

  start(command: unknown): [number, number, boolean] {
    return [-1, 0, false];
  }

  snapshot(index: number, snapshot: Uint8Array): void {}

  persistBytes(): number {
    return 0;
  }

  kill(): void {}

  requestVote(args: unknown): { term: number; voteGranted: boolean } {
    return { term: 0, voteGranted: false };
  }

  appendEntries(args: unknown): { term: number; success: boolean } {
    return { term: 0, success: false };
  }
}

export function make(peers: ClientEnd[], me: number, persister: Persister, applyCh: ApplyChannel): Raft {
  return new Raft();
}
