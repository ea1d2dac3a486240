// Tracing for the grader's timeline: when $MR_TRACE names a file, every map
// and reduce call of this process is recorded there as JSON lines, a "start"
// line before the call and an "end" line after it. A process that crashes
// inside a call leaves a start with no end, which is what the timeline shows.
// It also records each time the process opens one of the job's files for
// writing under its final name (mr-out-Y, mr-X-Y): the rules say to write a
// temporary file and rename it, and a poll of the folder cannot see that.
// And it records each RPC the worker sends ("call") and its answer ("reply"),
// and each intermediate file it opens to read: where the grader's forced
// schedules hold a worker (holds.ts), and how they tell what happened. And
// each rename onto a final name, from what name: a temporary file named like
// the output is read as output by whoever globs mr-out*.

import fs = require('fs'); // the module object itself, whose functions every importer of fs calls
import * as path from 'path';
import { type App, wrapApp } from './load-app';
import { holdsFromEnv } from './holds';
import { Connection } from '../mr/transport';
import type { TraceLine, Unstamped } from './trace-format';
import { type Challenge, challenge } from '../mr/challenge';

/** The final names of the job's files: only ever made by renaming a complete temporary file. */
const FINAL_NAME = /^mr-out-\d+$|^mr-\d+-\d+$/;

/** A line as this process writes it: the recorder adds the pid and the time (the format: src/main/trace-format.ts). */
type Event = Unstamped<TraceLine>;
type Record_ = (e: Event) => void;
const recorders = new Map<string, Record_>();

/** Appends events to a trace file, kept open: a reduce task may make thousands of calls. */
function recorder(file: string): Record_ {
  let record = recorders.get(file);
  if (!record) {
    const fd = fs.openSync(file, 'a');
    record = (e) => fs.writeSync(fd, JSON.stringify({ pid: process.pid, time: Date.now(), ...e }) + '\n');
    recorders.set(file, record);
  }
  return record;
}

// Watching starts when this module loads: the driver imports it before the student's code.
const holds = process.env.MR_TRACE ? holdsFromEnv(recorder(process.env.MR_TRACE)) : undefined;
if (process.env.MR_TRACE) {
  const record = recorder(process.env.MR_TRACE);
  watchFiles(
    (name, how, full) => {
      const setup = challenge(); // in the challenge track: on whose disk is it written?
      record({ event: 'write', file: name, how, ...(setup ? { where: whereIs(full, setup) } : {}) });
    },
    (name, full) => {
      holds?.beforeRead();
      const setup = challenge(); // in the challenge track: on whose disk was it?
      record({ event: 'read', file: name, ...(setup ? { where: whereIs(full, setup) } : {}) });
    },
  );
  watchCalls(record);
  watchRenames(record);
}

/** The app itself, or the app wrapped to record its calls when tracing is on. */
export function traced(app: App, file = process.env.MR_TRACE): App {
  if (!file) return app;
  const record = recorder(file);
  return wrapApp(app, (phase, input, run) => {
    record({ event: 'start', phase, input });
    holds?.beforeCall(phase, input);
    let outcome: 'ok' | 'error' = 'error';
    try {
      const result = run();
      outcome = 'ok';
      return result;
    } finally {
      record({ event: 'end', phase, input, outcome });
      holds?.afterCall(phase, input);
    }
  });
}

type Watched = (...args: any[]) => unknown; // eslint-disable-line @typescript-eslint/no-explicit-any -- any fs function

/**
 * Records every RPC sent through the kit's transport, and its answer; a
 * forced schedule may hold the worker before one (to the coordinator, or to a peer). A call
 * to another worker (the challenge track's fetches) says to whom, and its
 * answer how many bytes of data it brought and whether it failed.
 */
function watchCalls(record: Record_): void {
  type Client = { endpoint: string; serviceName: string; call: (method: string, ...rest: unknown[]) => Promise<unknown> };
  const client = Connection.prototype as unknown as Client;
  const call = client.call;
  let sent = 0; // numbers each call, so that its reply pairs with it even when several overlap
  client.call = function (this: Client, method: string, ...rest: unknown[]) {
    const id = ++sent;
    const peer = this.serviceName !== COORDINATOR_SERVICE ? { to: String(this.endpoint), id } : {};
    if (peer.to) holds?.beforeFetch();
    else holds?.beforeRpc();
    record({ event: 'call', method: String(method), ...peer });
    const answer = call.call(this, method, ...rest);
    answer.then(
      (result) => {
        const failed = (result as { ok?: boolean } | undefined)?.ok === false;
        const bytes = peer.to && !failed ? payloadBytes((result as { reply?: unknown }).reply) : undefined;
        record({ event: 'reply', method: String(method), ...peer, ...(failed ? { failed } : {}), ...(bytes !== undefined ? { bytes } : {}) });
      },
      () => undefined, // a mistake: the caller sees it
    );
    return answer;
  };
}

/** The service the course's workers call; any other is a peer's (src/mr/transport.ts's default). */
const COORDINATOR_SERVICE = 'Coordinator';

/** The bytes of the strings and byte fields a reply carries, one level down: what a fetch moved. */
function payloadBytes(reply: unknown): number {
  const size = (v: unknown): number =>
    typeof v === 'string' ? Buffer.byteLength(v) : Buffer.isBuffer(v) || v instanceof Uint8Array ? v.length : 0;
  let bytes = 0;
  if (reply && typeof reply === 'object') {
    for (const v of Object.values(reply)) {
      if (Array.isArray(v)) for (const item of v) bytes += size(item);
      else bytes += size(v);
    }
  }
  return bytes;
}

const INTERMEDIATE = /^mr-\d+-\d+/; // mr-X-Y, and names built on it (mr-X-Y-<pid>)

/**
 * Wraps the fs functions that open a file so that each open for writing of
 * one of the job's final names is reported (never changed or refused: the
 * grader judges), and each open of an intermediate file for reading is
 * announced (a forced schedule may hold the worker there). A file
 * descriptor's reads and writes are not watched: opening it is.
 */
/**
 * Where a file lies, in the challenge track: this worker's local disk, the
 * shared folder, or elsewhere (another's disk). Links are followed, so a link
 * on the local disk to a file elsewhere is elsewhere.
 */
function whereIs(file: string, setup: Challenge): 'local' | 'shared' | 'elsewhere' {
  const real = (p: string): string => {
    try {
      return fs.realpathSync(p);
    } catch {
      // not there (yet: a file opened to be written): its folder is where it goes
      try {
        return path.join(fs.realpathSync(path.dirname(p)), path.basename(p));
      } catch {
        return p;
      }
    }
  };
  const target = real(file);
  const inside = (dir: string) => {
    const rel = path.relative(real(dir), target);
    return !rel.startsWith('..') && !path.isAbsolute(rel);
  };
  return inside(setup.local) ? 'local' : inside(setup.shared) ? 'shared' : 'elsewhere';
}

function watchFiles(
  report: (name: string, how: string, full: string) => void,
  reading: (name: string, full: string) => void,
): void {
  const writing = (flags: unknown): boolean =>
    typeof flags === 'number' ? (flags & (fs.constants.O_WRONLY | fs.constants.O_RDWR)) !== 0 : /[wa+]/.test(String(flags));
  const flagOf = (options: unknown, fallback: string): unknown =>
    typeof options === 'object' && options !== null && 'flags' in options ? (options as { flags: unknown }).flags
      : typeof options === 'object' && options !== null && 'flag' in options ? (options as { flag: unknown }).flag
        : fallback;
  const check = (target: unknown, flags: unknown, how: string): void => {
    const full = fullPath(target);
    if (full === undefined) return; // a descriptor
    const name = path.basename(full);
    if (FINAL_NAME.test(name) && writing(flags)) report(name, how, full);
    else if (INTERMEDIATE.test(name) && !writing(flags)) reading(name, full);
  };
  const watch = (owner: Record<string, unknown>, name: string, flags: (args: unknown[]) => unknown, target = 0): void => {
    const original = owner[name] as Watched | undefined;
    if (typeof original !== 'function') return;
    owner[name] = function (this: unknown, ...args: unknown[]) {
      check(args[target], flags(args), name);
      return original.apply(this, args);
    };
  };
  const io = fs as unknown as Record<string, unknown>;
  const promises = fs.promises as unknown as Record<string, unknown>;
  const openFlags = (args: unknown[]) => (typeof args[1] === 'function' || args[1] === undefined ? 'r' : args[1]);
  for (const owner of [io, promises]) {
    watch(owner, owner === io ? 'openSync' : 'open', openFlags);
    watch(owner, 'writeFile', (args) => flagOf(args[2], 'w'));
    watch(owner, 'appendFile', (args) => flagOf(args[2], 'a'));
    watch(owner, 'copyFile', () => 'w', 1);
    watch(owner, 'cp', () => 'w', 1);
    watch(owner, 'readFile', (args) => flagOf(args[1], 'r'));
  }
  watch(io, 'open', openFlags);
  watch(io, 'writeFileSync', (args) => flagOf(args[2], 'w'));
  watch(io, 'appendFileSync', (args) => flagOf(args[2], 'a'));
  watch(io, 'copyFileSync', () => 'w', 1);
  watch(io, 'cpSync', () => 'w', 1);
  watch(io, 'createWriteStream', (args) => flagOf(args[1], 'w'));
  watch(io, 'readFileSync', (args) => flagOf(args[1], 'r'));
  watch(io, 'createReadStream', (args) => flagOf(args[1], 'r'));
}

/** The full path a file function was given, or undefined for a file descriptor. */
function fullPath(target: unknown): string | undefined {
  if (typeof target !== 'string' && !Buffer.isBuffer(target) && !(target instanceof URL)) return undefined;
  return path.resolve(target instanceof URL ? target.pathname : String(target));
}

/** Records each rename onto a final name of the job's files (never changed or refused: the grader judges). */
function watchRenames(record: Record_): void {
  const owners = [fs, fs, fs.promises] as unknown as Array<Record<string, Watched>>;
  ['renameSync', 'rename', 'rename'].forEach((name, i) => {
    const original = owners[i][name];
    owners[i][name] = function (this: unknown, ...args: unknown[]) {
      const [from, to] = [fullPath(args[0]), fullPath(args[1])];
      if (from !== undefined && to !== undefined && FINAL_NAME.test(path.basename(to))) {
        record({ event: 'rename', from: path.relative(path.dirname(to), from), to: path.basename(to) });
      }
      return original.apply(this, args);
    };
  });
}
