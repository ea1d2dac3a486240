// The stepping protocol between the simulator (the tester's side) and one
// peer incarnation. The simulator sends one request, an event; the peer runs
// it to quiescence and answers with the effects it produced, in the order
// of the calls that made them. Everything is plain JSON: in graded runs it
// crosses a pipe, and the tester trusts none of it (it validates effects).
//
// Times are virtual microseconds. Payloads (RPC args and replies, apply
// messages, tester-call arguments and results) are codec text (codec.ts);
// persisted bytes are base64.

/** What a new incarnation is told before anything else. */
export interface BootSpec {
  /** How messages name the peer: "peer 2". */
  label: string;
  incarnation: number;
  /** Seeds this incarnation's Math.random. */
  seed: string;
  /** Which boot function builds its services (boots.ts). */
  lab: string;
  /** The lab's own arguments, e.g. { me: 2, module: 'src/raft/raft' }. */
  args: Record<string, unknown>;
  /** How many ClientEnds the peer gets (peers.length). */
  ends: number;
  raftstate: string;
  snapshot: string;
  /** process.env inside the peer. */
  env: Record<string, string>;
}

export type Request =
  | { kind: 'boot'; now: number; boot: BootSpec }
  | { kind: 'timer'; now: number; timer: number }
  | { kind: 'request'; now: number; rpc: number; method: string; args: string }
  | { kind: 'reply'; now: number; call: number; reply: string | null }
  | { kind: 'invoke'; now: number; service: string; method: string; args: string };

export type Effect =
  | { kind: 'send'; call: number; end: number; method: string; args: string }
  | { kind: 'timer-set'; timer: number; at: number }
  | { kind: 'timer-clear'; timer: number }
  | { kind: 'reply'; rpc: number; reply: string }
  | { kind: 'apply'; msg: string }
  | { kind: 'save'; raftstate: string; snapshot: string }
  | { kind: 'log'; text: string }
  | { kind: 'result'; value: string | null }
  | { kind: 'fault'; message: string };

/** The first day of simulated time: Date.now() is this plus the virtual clock. */
export const VIRTUAL_EPOCH_MS = Date.UTC(2026, 0, 1);
