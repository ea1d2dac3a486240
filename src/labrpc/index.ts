// labrpc: what a peer gets from the kit (provided; do not change). Your Raft
// talks to the other peers only through the ClientEnds it is given, saves
// its state only in its Persister, and reports committed commands on its
// ApplyChannel; the tester sits behind all three.
//
// Under the tester, time is simulated: setTimeout, sleep(), Date.now() and
// Math.random() are the simulation's, so a run with the same seed replays
// exactly, and a test's 120 s take a few seconds of real time.

export { encode, decode, CodecError } from './codec';
export { Persister } from './persister';

/**
 * One peer's end of a connection to another server, as the course's
 * ClientEnd: peers[i].call('Raft.requestVote', args).
 */
export interface ClientEnd {
  /**
   * Sends an RPC and resolves to the reply, or to null if it was lost (the
   * request, the reply, or the server). Never rejects and never needs a
   * timeout of yours: the network always answers, sooner or later. The
   * method is "Service.method"; the server calls that method with the
   * args, and whatever it returns (or resolves to) is the reply.
   */
  call<Reply>(method: string, args: unknown): Promise<Reply | null>;
}

/** What a peer sends on its ApplyChannel: a committed command, or (2D) a snapshot. */
export type ApplyMsg =
  | { commandValid: true; command: unknown; commandIndex: number }
  | { snapshotValid: true; snapshot: Uint8Array; snapshotTerm: number; snapshotIndex: number };

/** Where a peer reports what it applies, in order (the course's applyCh). */
export interface ApplyChannel {
  send(msg: ApplyMsg): void;
}

/** Waits ms milliseconds (simulated time under the tester). */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
