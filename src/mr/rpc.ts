// RPC message types, in TypeScript, mirroring the messages of mr.proto.
// Keep the two in step: field names here must be the field names there.

export interface ExampleArgs {
  x: number;
}

export interface ExampleReply {
  y: number;
}

// TODO: add your RPC message types here.
