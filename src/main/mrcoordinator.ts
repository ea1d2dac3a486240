// Starts the coordinator of a job: one map task per input file, ten reduce
// tasks. Please do not change this file.
//
//   npx ts-node src/main/mrcoordinator.ts [--endpoint E] inputs/*.txt
//
// The endpoint is --endpoint, else $MR_ENDPOINT, else a private unix socket.

import { randomBytes } from 'crypto';
import * as os from 'os';
import { makeCoordinator } from '../mr/coordinator';
import { isUnixSocket, resolveEndpoint } from '../mr/transport';
import { checkInputFiles, runMain, takeEndpoint, UsageError } from './cli';

const USAGE = 'usage: mrcoordinator [--endpoint E] inputfiles...';
const N_REDUCE = 10;
const POLL_MS = 100;
const LINGER_MS = 500;

runMain('mrcoordinator', async () => {
  const { endpoint, rest: files } = takeEndpoint(process.argv.slice(2));
  if (files.length === 0 || files.some((f) => f.startsWith('--'))) throw new UsageError(USAGE);
  checkInputFiles(files);

  const where = resolveEndpoint(endpoint);
  // Over TCP anyone on the network could ask for tasks: demand a secret.
  const madeToken = !isUnixSocket(where) && !process.env.MR_TOKEN;
  if (madeToken) process.env.MR_TOKEN = randomBytes(16).toString('hex');
  const coordinator = await makeCoordinator(where, files, N_REDUCE);
  // Only now: a coordinator that cannot serve should print its error alone.
  if (madeToken) console.error(`mrcoordinator: serving ${where}; start workers with MR_TOKEN=${process.env.MR_TOKEN}`);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      coordinator.stop(); // leave no socket file behind
      process.exit(128 + os.constants.signals[signal]);
    });
  }
  while (!coordinator.done()) await sleep(POLL_MS);

  // Linger so that workers asking for more work can hear that the job is over.
  await sleep(LINGER_MS);
  coordinator.stop();
  process.exit(0);
});

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
