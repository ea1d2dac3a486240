// Where peer incarnations run. The simulator asks a host for a fresh
// incarnation and then drives it one request at a time; it does not care
// whether the incarnation is a vm context in this process (InProcessHost,
// a student's quick local loop) or a process of its own (ProcessHost,
// graded runs). The same seed gives the same run on either.

import type { Effect, Request } from '../../src/labrpc/runtime/protocol';
import { Incarnation, type IncarnationOptions } from '../../src/labrpc/runtime/incarnation';

export interface HostedPeer {
  /** Runs one request; resolves to its effects (unchecked: the peer's side is not trusted). */
  step(request: Request): Promise<unknown>;
  /** The incarnation is dead (a crash): nothing of it runs again. */
  stop(): void;
}

export interface PeerHost {
  /** A fresh incarnation, ready for its boot request. */
  start(): Promise<HostedPeer>;
  /** Ends everything the host started. */
  close(): Promise<void>;
}

export type PeerCodeOptions = IncarnationOptions;

/** Every incarnation in a vm context of this process. */
export class InProcessHost implements PeerHost {
  constructor(private readonly options: PeerCodeOptions) {}

  async start(): Promise<HostedPeer> {
    const incarnation = new Incarnation(this.options);
    return {
      step: (request: Request): Promise<Effect[]> => incarnation.step(request),
      stop: () => incarnation.dispose(),
    };
  }

  async close(): Promise<void> {}
}
