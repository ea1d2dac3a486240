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

export type TaskKind = 'map' | 'reduce';

export interface TaskRequest {
  worker: number;
  address: string;
}

export interface TaskReply {
  kind: TaskKind | 'wait' | 'exit';
  task: number;
  file: string;
  n_map: number;
  n_reduce: number;
  locations: string[];
}

export interface TaskReport {
  worker: number;
  kind: TaskKind | 'lost';
  task: number;
  address: string;
}

export type ReportReply = Record<string, never>;

export interface FetchArgs {
  map_task: number;
  reduce_task: number;
  offset: number;
}

export interface FetchReply {
  found: boolean;
  data: Buffer; // a chunk of the part: at most 1 MB, so that no message nears gRPC's 4 MB limit
  more: boolean;
}

/**
 * Every rpc of mr.proto, by name: what the worker sends and what the
 * coordinator replies. call() in worker.ts and the handlers in
 * coordinator.ts take their types from here, so the compiler checks both.
 */
export interface Rpcs {
  Example: { args: ExampleArgs; reply: ExampleReply };
  RequestTask: { args: TaskRequest; reply: TaskReply };
  ReportTask: { args: TaskReport; reply: ReportReply };
}

/** The coordinator's handlers: one per rpc, from its args to its reply (or a Promise of it). */
export type Handlers = {
  [Name in keyof Rpcs]: (args: Rpcs[Name]['args']) => Rpcs[Name]['reply'] | Promise<Rpcs[Name]['reply']>;
};

/** The rpcs of the Worker service, which workers serve to each other. */
export interface PeerRpcs {
  Fetch: { args: FetchArgs; reply: FetchReply };
}
