// The worker: asks the coordinator for tasks, runs the app's map or reduce
// on them, reports back, and exits when the job is done or the coordinator
// has gone. main/mrworker.ts loads the app and calls worker().
//
// Reference solution of the challenge track, which also passes the course's
// tests. In the course's mode every file is in the current (shared) folder.
// With `mrworker --challenge`, challenge() says where things are:
//   inputs     read from the shared folder
//   mr-X-Y     intermediate pairs of map task X for reduce task Y, one JSON
//              [key, [values...]] per line and key, on this worker's local
//              disk, served to reducers by the Worker service's Fetch, in
//              chunks of at most 1 MB (gRPC refuses a message over 4 MB)
//   mr-out-Y   the output of reduce task Y, written to the shared folder
// Each file is written under a temporary name and renamed into place when
// complete, so a crashed or slow worker never leaves a partial file behind.

import * as fs from 'fs';
import * as path from 'path';
import type { ExampleArgs, FetchArgs, FetchReply, PeerRpcs, Rpcs, TaskReply, TaskReport } from './rpc';
import { Connection, serve, stopServing } from './transport';
import { challenge } from './challenge';
import { ihash } from '../kit/hash';
import { compareCodePoints } from '../kit/order'; // mrsequential's key order

/** One key/value pair, as map functions emit them. */
export interface KeyValue {
  key: string;
  value: string;
}

export type MapFunction = (filename: string, contents: string) => KeyValue[];
export type ReduceFunction = (key: string, values: string[]) => string;

/**
 * Use ihash(key) % nReduce to choose the reduce task for each key emitted
 * by map. It is the kit's (src/kit/hash.ts), so that mrsequential, the
 * grader and every worker agree on the bucket of each key.
 */
export { ihash };

/** How long a reducer waits for a chunk of another worker's part before it counts that worker as lost. */
const FETCH_TIMEOUT_MS = 10_000;
/** The most a Fetch reply carries: well under the 4 MB a gRPC message may have. */
const CHUNK_BYTES = 1024 * 1024;

let coordinator: Connection | undefined;
const peers = new Map<string, Connection>();

/** main/mrworker.ts calls this function; the worker process exits when it returns. */
export async function worker(endpoint: string, mapf: MapFunction, reducef: ReduceFunction): Promise<void> {
  const setup = challenge();
  const shared = setup?.shared ?? '.';
  const address = setup?.serveOn ?? '';
  coordinator = new Connection(endpoint);
  const server = setup ? await serve(address, { Fetch: (args: FetchArgs) => fetchHere(args) }, 'Worker') : undefined;
  try {
    for (;;) {
      const task = await call('RequestTask', { worker: process.pid, address });
      if (!task || task.kind === 'exit') return; // job done, or coordinator gone: either way, stop
      if (task.kind === 'wait') continue; // the coordinator already waited for us (long poll)

      let report: TaskReport = { worker: process.pid, kind: task.kind, task: task.task, address };
      if (task.kind === 'map') {
        runMap(task, mapf, shared);
      } else {
        const lost = await runReduce(task, reducef, shared, address);
        if (lost !== undefined) report = { worker: process.pid, kind: 'lost', task: task.task, address: lost };
      }
      if (!(await call('ReportTask', report))) return;
    }
  } finally {
    coordinator.close(); // an open connection would keep the process alive
    for (const peer of peers.values()) peer.close();
    if (server) stopServing(server, address);
  }
}

/** Maps one input file into nReduce intermediate files mr-X-0 .. mr-X-(nReduce-1), on this worker's disk. */
function runMap(task: TaskReply, mapf: MapFunction, shared: string): void {
  const contents = fs.readFileSync(path.resolve(shared, task.file), 'utf8');
  // Group the pairs by key as they come: one line per distinct key is far
  // less to encode, write and parse than one line per pair.
  const buckets = Array.from({ length: task.n_reduce }, () => new Map<string, string[]>());
  for (const { key, value } of mapf(task.file, contents)) {
    const bucket = buckets[ihash(key) % task.n_reduce];
    const values = bucket.get(key);
    if (values) values.push(value);
    else bucket.set(key, [value]);
  }
  buckets.forEach((bucket, r) => {
    const lines: string[] = [];
    for (const entry of bucket) lines.push(JSON.stringify(entry) + '\n');
    writeAtomically(intermediateFile(task.task, r), lines.join(''));
  });
}

/**
 * Reduces every key of bucket Y, fetched from every map task's worker, into
 * mr-out-Y in the shared folder. Returns the address of a worker that could
 * not be reached (the task is abandoned then), or undefined when done.
 */
async function runReduce(
  task: TaskReply,
  reducef: ReduceFunction,
  shared: string,
  me: string,
): Promise<string | undefined> {
  const groups = new Map<string, string[]>();
  for (let m = 0; m < task.n_map; m++) {
    const where = task.locations[m] ?? '';
    const text = where && where !== me ? await fetchFrom(where, m, task.task) : readPart(m, task.task);
    if (text === undefined) return where;
    for (const line of text.split('\n')) {
      if (!line) continue;
      const [key, values] = JSON.parse(line) as [string, string[]];
      const seen = groups.get(key);
      if (seen) for (const value of values) seen.push(value); // no spread: a key may have millions
      else groups.set(key, values);
    }
  }
  const lines: string[] = [];
  for (const key of [...groups.keys()].sort(compareCodePoints)) {
    lines.push(`${key} ${reducef(key, groups.get(key)!)}\n`);
  }
  writeAtomically(path.join(shared, `mr-out-${task.task}`), lines.join(''));
  return undefined;
}

/** Fetch, as served to the other workers: a chunk of a part of a map task this worker finished, read alone. */
function fetchHere(args: FetchArgs): FetchReply {
  let fd: number;
  try {
    fd = fs.openSync(intermediateFile(args.map_task, args.reduce_task), 'r');
  } catch {
    return { found: false, data: Buffer.alloc(0), more: false };
  }
  try {
    const size = fs.fstatSync(fd).size;
    const data = Buffer.alloc(Math.max(0, Math.min(CHUNK_BYTES, size - args.offset)));
    fs.readSync(fd, data, 0, data.length, args.offset);
    return { found: true, data, more: args.offset + data.length < size };
  } finally {
    fs.closeSync(fd);
  }
}

/** A part from this worker's own disk; undefined if it is not here. */
function readPart(mapTask: number, reduceTask: number): string | undefined {
  try {
    return fs.readFileSync(intermediateFile(mapTask, reduceTask), 'utf8');
  } catch {
    return undefined;
  }
}

/** A part from the worker at `address`, chunk by chunk; undefined if it cannot be had there. */
async function fetchFrom(address: string, mapTask: number, reduceTask: number): Promise<string | undefined> {
  let peer = peers.get(address);
  if (!peer) peers.set(address, (peer = new Connection(address, 'Worker')));
  const chunks: Buffer[] = [];
  let offset = 0;
  for (;;) {
    const args: PeerRpcs['Fetch']['args'] = { map_task: mapTask, reduce_task: reduceTask, offset };
    const result = await peer.call<FetchReply>('Fetch', args, FETCH_TIMEOUT_MS);
    if (!result.ok) {
      console.error(`${process.pid}: fetch of mr-${mapTask}-${reduceTask} from ${address} failed: ${result.error}`);
      return undefined;
    }
    if (!result.reply.found) return undefined;
    chunks.push(result.reply.data);
    offset += result.reply.data.length;
    // Decoded only when whole: a chunk may end inside a character.
    if (!result.reply.more) return Buffer.concat(chunks).toString('utf8');
  }
}

function intermediateFile(mapTask: number, reduceTask: number): string {
  return `mr-${mapTask}-${reduceTask}`;
}

/**
 * Writes a file under a temporary name in the same directory (a rename
 * across file systems would fail), then renames it into place at once.
 * The temporary name does not start with "mr-", so no glob sees it.
 */
function writeAtomically(file: string, data: string): void {
  const temp = path.join(path.dirname(file), `.tmp-${path.basename(file)}-${process.pid}`);
  fs.writeFileSync(temp, data);
  fs.renameSync(temp, file);
}

/** An example of how to make an RPC call to the coordinator. */
export async function callExample(): Promise<void> {
  const args: ExampleArgs = { x: 99 };
  const reply = await call('Example', args);
  if (reply) {
    console.log(`reply.y ${reply.y}`); // reply.y should be 100
  } else {
    console.log('call failed!');
  }
}

/**
 * Sends an RPC to the coordinator and waits for the reply. The method is a
 * name in the Rpcs table of rpc.ts, which gives the types of args and reply.
 * Returns undefined if the coordinator did not answer: it has probably
 * exited. A mistake throws (an rpc or a field mr.proto lacks, a refused
 * MR_TOKEN), and ends the worker with a message saying what it was.
 */
export async function call<Name extends keyof Rpcs>(
  method: Name,
  args: Rpcs[Name]['args'],
): Promise<Rpcs[Name]['reply'] | undefined> {
  if (!coordinator) throw new Error('call() before worker() connected to the coordinator');
  const result = await coordinator.call<Rpcs[Name]['reply']>(method, args);
  if (!result.ok) {
    console.error(`${process.pid}: call ${method} failed: ${result.error}`);
    return undefined;
  }
  return result.reply;
}
