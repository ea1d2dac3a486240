// The worker: asks the coordinator for tasks, runs the app's map or reduce
// on them, reports back, and exits when the job is done or the coordinator
// has gone. main/mrworker.ts loads the app and calls worker().

import type { ExampleArgs, Rpcs } from './rpc';
import { Connection } from './transport';
import { ihash } from '../kit/hash';

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

let coordinator: Connection | undefined;

/** main/mrworker.ts calls this function; the worker process exits when it returns. */
export async function worker(endpoint: string, mapf: MapFunction, reducef: ReduceFunction): Promise<void> {
  coordinator = new Connection(endpoint);
  try {
    // TODO: your worker implementation here.

    // Uncomment to send the Example RPC to the coordinator.
    // await callExample();
  } finally {
    coordinator.close(); // an open connection would keep the process alive
  }
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
