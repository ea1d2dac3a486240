// Starts a worker process for an app. Please do not change this file.
//
//   npx ts-node src/main/mrworker.ts [--endpoint E] src/mrapps/wc.ts
//
// The app is a module path or the bare name of one of the kit's apps (wc).
// With --challenge (the challenge track, the paper's design) the worker runs
// in a local disk of its own and serves the other workers: src/mr/challenge.ts.
// With $MR_TRACE set to a file, each map and reduce call is recorded there.
// A map or reduce that throws ends the worker with status 1, as a panic
// ends Go's: one line says which app, call and input, one where it threw.

import { traced } from './trace'; // first: with $MR_TRACE it watches the writes of everything loaded after it
import * as path from 'path';
import { isUnixSocket, resolveEndpoint } from '../mr/transport';
import { CommandLine } from '../kit/args';
import { enterChallenge } from '../mr/challenge';
import { ENDPOINT_OPTION, parseDriverArgs, runMain, UsageError } from './cli';
import { guardApp, loadApp } from './load-app';

const COMMAND_LINE = {
  usage: 'mrworker [--endpoint E] [--challenge [--local DIR] [--serve-on E]] APP',
  about: 'Starts a worker, which asks the coordinator for tasks until the job is done.',
  options: {
    ...ENDPOINT_OPTION,
    challenge: { help: "the challenge track: run in a local disk of this worker's own, serving the others" },
    local: { value: 'DIR', help: 'with --challenge: the local disk, an empty folder (default: a new one in $TMPDIR)' },
    'serve-on': { value: 'E', help: 'with --challenge: where to serve the others (default: a socket in the local disk)' },
  },
  positionals: { name: 'APP', help: "the app: a module's path, or a kit app's bare name (wc)", min: 1, max: 1 },
} satisfies CommandLine;

runMain('mrworker', async () => {
  const { values, positionals: [appSpec] } = parseDriverArgs(COMMAND_LINE);
  const endpoint = resolveEndpoint(values.endpoint);
  const where = isUnixSocket(endpoint) ? path.resolve(endpoint) : endpoint; // the same socket after a move
  if (!values.challenge && (values.local || values['serve-on'])) {
    throw new UsageError('--local and --serve-on go with --challenge');
  }
  const app = guardApp(appSpec, traced(loadApp(appSpec)), (diagnosis) => {
    console.error(`mrworker: ${diagnosis}`);
    process.exit(1); // at once: the student's worker must not carry on after it
  });
  if (values.challenge) enterChallenge({ local: values.local, serveOn: values['serve-on'] }); // moves to the local disk
  // Your worker is loaded only now, in challenge mode already: challenge() answers even when worker.ts calls it as it loads.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded late on purpose (see above)
  const { worker } = require('../mr/worker') as typeof import('../mr/worker');
  await worker(where, app.map, app.reduce);
  process.exit(0); // as Go's main returning: whatever is still pending ends here
});
