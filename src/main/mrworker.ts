// Starts a worker process for an app. Please do not change this file.
//
//   npx ts-node src/main/mrworker.ts [--endpoint E] src/mrapps/wc.ts
//
// The app is a module path or the bare name of one of the kit's apps (wc).
// With $MR_TRACE set to a file, each map and reduce call is recorded there.
// A map or reduce that throws ends the worker with status 1, as a panic
// ends Go's: one line says which app, call and input, one where it threw.

import { traced } from './trace'; // first: with $MR_TRACE it watches the writes of everything loaded after it
import { worker } from '../mr/worker';
import { resolveEndpoint } from '../mr/transport';
import { runMain, takeEndpoint, UsageError } from './cli';
import { guardApp, loadApp } from './load-app';

const USAGE = 'usage: mrworker [--endpoint E] APP';

runMain('mrworker', async () => {
  const { endpoint, rest } = takeEndpoint(process.argv.slice(2));
  if (rest.length !== 1 || rest[0].startsWith('--')) throw new UsageError(USAGE);
  const where = resolveEndpoint(endpoint);
  const app = guardApp(rest[0], traced(loadApp(rest[0])), (diagnosis) => {
    console.error(`mrworker: ${diagnosis}`);
    process.exit(1); // at once: the student's worker must not carry on after it
  });
  await worker(where, app.map, app.reduce);
  process.exit(0); // as Go's main returning: whatever is still pending ends here
});
