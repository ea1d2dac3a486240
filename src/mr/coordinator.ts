// The coordinator: hands out map and reduce tasks and notices when the
// whole job is done. main/mrcoordinator.ts makes one with makeCoordinator()
// and polls done() until it returns true.

import type { Server } from '@grpc/grpc-js';
import type { ExampleArgs, ExampleReply, Handlers } from './rpc';
import { serve, stopServing } from './transport';

export class Coordinator {
  private server?: Server;

  // TODO: your definitions here (the state of every task).

  constructor(readonly endpoint: string) {}

  /** An example RPC handler: the reply's y is the request's x plus one. */
  example(args: ExampleArgs): ExampleReply {
    return { y: args.x + 1 };
  }

  // TODO: your RPC handlers for the worker to call.

  /** main/mrcoordinator.ts calls done() periodically: true once the entire job has finished. */
  done(): boolean {
    // TODO: your code here.
    return false;
  }

  /** Starts serving RPCs on the endpoint: one handler per rpc of mr.proto (see Rpcs in rpc.ts). */
  async startServer(): Promise<void> {
    const handlers: Handlers = {
      Example: (args: ExampleArgs) => this.example(args),
      // TODO: register your handlers here.
    };
    this.server = await serve(this.endpoint, handlers);
  }

  /** Stops serving; main/mrcoordinator.ts calls this just before it exits. */
  stop(): void {
    if (this.server) stopServing(this.server, this.endpoint);
  }
}

/**
 * Makes a coordinator for a job over `files` (one map task per file) with
 * nReduce reduce tasks. main/mrcoordinator.ts calls this function.
 */
export async function makeCoordinator(endpoint: string, files: string[], nReduce: number): Promise<Coordinator> {
  const c = new Coordinator(endpoint);

  // TODO: your code here.

  await c.startServer();
  return c;
}
