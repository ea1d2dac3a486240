// RPC message types, in TypeScript, mirroring the messages of mr.proto.
// Keep the two in step: field names here must be the field names there.

export interface ExampleArgs {
  x: number;
}

export interface ExampleReply {
  y: number;
}

export type TaskKind = 'map' | 'reduce';

export interface TaskRequest {
  worker: number;
}

export interface TaskReply {
  kind: TaskKind | 'wait' | 'exit';
  task: number;
  file: string;
  n_map: number;
  n_reduce: number;
}

export interface TaskReport {
  worker: number;
  kind: TaskKind;
  task: number;
}

export type ReportReply = Record<string, never>;
