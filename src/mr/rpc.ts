// RPC message types, in TypeScript, mirroring the messages of mr.proto.
// Keep the two in step: field names here must be the field names there.
// (The compiler cannot read mr.proto; transport.ts refuses to send a
// message with a field that mr.proto lacks.)

export interface ExampleArgs {
  x: number;
}

export interface ExampleReply {
  y: number;
}

// TODO: add your RPC message types here.

/**
 * Every rpc of mr.proto, by name: what the worker sends and what the
 * coordinator replies. call() in worker.ts and the handlers in
 * coordinator.ts take their types from here, so the compiler checks both.
 */
export interface Rpcs {
  Example: { args: ExampleArgs; reply: ExampleReply };
  // TODO: a line for each rpc you add to mr.proto.
}

/** The coordinator's handlers: one per rpc, from its args to its reply (or a Promise of it). */
export type Handlers = {
  [Name in keyof Rpcs]: (args: Rpcs[Name]['args']) => Rpcs[Name]['reply'] | Promise<Rpcs[Name]['reply']>;
};
