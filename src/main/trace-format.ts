// The $MR_TRACE format: one JSON object per line, appended by a worker
// (src/main/trace.ts writes it) and read by the grader (timeline, invariants,
// forced schedules). The lines are written by the student's own process, so
// the reader trusts nothing in them: each line is checked for its shape, and
// every string is made printable before it can reach a diagnosis.

export type Phase = 'map' | 'reduce';

/** A map or reduce call of the app: "start" before it, "end" after it. */
export interface TaskEvent {
  pid: number;
  event: 'start' | 'end';
  phase: Phase;
  /** The map task's file name, or the reduce call's key. */
  input: string;
  /** Milliseconds since the epoch. */
  time: number;
  outcome?: 'ok' | 'error';
}

/** A file of the job opened for writing under its final name; or an intermediate file opened to be read. */
export interface FileEvent {
  pid: number;
  event: 'write' | 'read';
  file: string; // its name
  how?: string; // the fs function (writes)
  /** In the challenge track: on this worker's local disk, in the shared folder, or on another's disk (links followed). */
  where?: 'local' | 'shared' | 'elsewhere';
  time: number;
}

/** A file renamed onto one of the job's final names (mr-out-Y, mr-X-Y): from what name, relative to that name's folder. */
export interface RenameEvent {
  pid: number;
  event: 'rename';
  from: string; // "mr-out-3.tmp-123" in the same folder; "../elsewhere/x" in another
  to: string; // its final name
  time: number;
}

/** An RPC the worker sent, or the answer that came back. */
export interface RpcEvent {
  pid: number;
  event: 'call' | 'reply';
  method: string;
  /** A call to another worker (the challenge track's fetches): its endpoint; none for the coordinator. */
  to?: string;
  /** A call to another worker: its number in this process, which its reply repeats. */
  id?: number;
  /** A peer's answer: the bytes of data it carried. */
  bytes?: number;
  /** The call failed: the peer did not answer, or not in time. */
  failed?: boolean;
  time: number;
}

/** Where a forced schedule can hold a worker (src/main/holds.ts). */
export type HoldPoint = Phase | `${Phase}-report` | 'call' | 'read' | 'fetch';

/** A worker holding at a point until the grader releases it. */
export interface HeldEvent {
  pid: number;
  event: 'held';
  n: number; // this process's n-th hold: its release is the file release-<pid>-<n>
  at: HoldPoint;
  phase?: Phase;
  input?: string;
  time: number;
}

export type TraceLine = TaskEvent | FileEvent | RenameEvent | RpcEvent | HeldEvent;

/** A line as written: the writer adds its pid and the time. */
export type Unstamped<E> = E extends TraceLine ? Omit<E, 'pid' | 'time'> : never;

/** The longest string the reader keeps: no honest file name or key comes near it. */
const MAX_STRING = 1000;

/** Control characters, and the ones that turn text around on a terminal: shown as \uXXXX. */
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** A string from a trace, safe to print on one line. */
export function printable(s: string): string {
  const shown = s.replace(UNPRINTABLE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return shown.length > MAX_STRING ? `${shown.slice(0, MAX_STRING)}…` : shown;
}

/**
 * Every well-formed JSON object line of a trace's text, whatever its event,
 * with its string values made printable. A torn last line (a crash while
 * writing) and anything that is not an object are skipped.
 */
export function parseTrace(text: string): Array<Record<string, unknown>> {
  const lines: Array<Record<string, unknown>> = [];
  for (const line of text.split('\n')) {
    if (!line) continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      continue; // torn
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) continue;
    const e: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(parsed)) e[k] = typeof v === 'string' ? printable(v) : v;
    lines.push(e);
  }
  return lines;
}

/** A map or reduce call's start or end, with every field of the right type. */
export function isTaskEvent(e: Record<string, unknown>): e is Record<string, unknown> & TaskEvent {
  return (
    (e.event === 'start' || e.event === 'end') &&
    (e.phase === 'map' || e.phase === 'reduce') &&
    typeof e.time === 'number' &&
    typeof e.input === 'string' &&
    typeof e.pid === 'number'
  );
}
