// Starts the coordinator of a job: one map task per input file, ten reduce
// tasks. Please do not change this file.
//
//   npx ts-node src/main/mrcoordinator.ts [--endpoint E] [--n-reduce N] inputs/*.txt
//
// The endpoint is --endpoint, else $MR_ENDPOINT, else a private unix socket.
// --n-reduce is for the grader's extended tier, which checks that nothing in
// a solution assumes ten reduce tasks; without it, nReduce is the course's 10.
// (An option, not an environment variable: a variable left set in a shell
// would silently change every job started from it.)

import { randomBytes } from 'crypto';
import * as os from 'os';
import { makeCoordinator } from '../mr/coordinator';
import { isUnixSocket, resolveEndpoint } from '../mr/transport';
import { CommandLine } from '../kit/args';
import { sleep } from '../kit/time';
import { checkInputFiles, ENDPOINT_OPTION, parseDriverArgs, runMain, UsageError } from './cli';

const N_REDUCE = 10;
const MAX_N_REDUCE = 1000; // each map task writes nReduce files: keep a typo from making millions
const POLL_MS = 100;
const LINGER_MS = 500;
const SIGNAL_GRACE_MS = 1000; // how long a signal waits for makeCoordinator to return

const COMMAND_LINE = {
  usage: 'mrcoordinator [--endpoint E] [--n-reduce N] inputfiles...',
  about: 'Starts the coordinator of a job: one map task per input file.',
  options: {
    ...ENDPOINT_OPTION,
    'n-reduce': { value: 'N', help: `the number of reduce tasks (default ${N_REDUCE})` },
  },
  positionals: { name: 'inputfiles...', help: "the job's input files", min: 1 },
} satisfies CommandLine;

runMain('mrcoordinator', async () => {
  const { values, positionals: files } = parseDriverArgs(COMMAND_LINE);
  const nReduce = parseNReduce(values['n-reduce']);
  checkInputFiles(files);

  const where = resolveEndpoint(values.endpoint);
  // Over TCP anyone on the network could ask for tasks: demand a secret.
  const madeToken = !isUnixSocket(where) && !process.env.MR_TOKEN;
  if (madeToken) process.env.MR_TOKEN = randomBytes(16).toString('hex');
  // Stopped by a signal, leave no socket file behind. The handlers come first:
  // a signal that arrives once the socket is bound, before makeCoordinator
  // returns, waits for it a moment (the default action would leave the file).
  const job: { coordinator?: Awaited<ReturnType<typeof makeCoordinator>>; signalled?: NodeJS.Signals } = {};
  const stopFor = (signal: NodeJS.Signals): never => {
    job.coordinator?.stop();
    process.exit(128 + os.constants.signals[signal]);
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (job.coordinator) stopFor(signal);
      job.signalled ??= signal;
      setTimeout(() => stopFor(signal), SIGNAL_GRACE_MS); // a makeCoordinator that never returns
    });
  }
  const coordinator = (job.coordinator = await makeCoordinator(where, files, nReduce));
  if (job.signalled) stopFor(job.signalled);
  // Only now: a coordinator that cannot serve should print its error alone.
  if (madeToken) console.error(`mrcoordinator: serving ${where}; start workers with MR_TOKEN=${process.env.MR_TOKEN}`);
  while (!coordinator.done()) await sleep(POLL_MS);

  // Linger so that workers asking for more work can hear that the job is over.
  await sleep(LINGER_MS);
  coordinator.stop();
  process.exit(0);
});

/** The number of reduce tasks: --n-reduce's value, a whole number 1..1000, or the course's 10. */
function parseNReduce(value: string | undefined): number {
  if (value === undefined) return N_REDUCE;
  const n = /^[1-9][0-9]*$/.test(value) ? Number(value) : NaN;
  if (!(n <= MAX_N_REDUCE)) throw new UsageError(`--n-reduce must be a whole number from 1 to ${MAX_N_REDUCE}, not "${value}"`);
  return n;
}
