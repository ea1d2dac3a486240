// The kit's MapReduce drivers in a build: what a job's processes run, and
// the environment they start from.

import * as path from 'path';
import type { Build } from '../../../core/build';

/** The compiled driver scripts (src/main/*.ts). */
export function driver(build: Build, name: 'mrcoordinator' | 'mrworker' | 'mrsequential'): string {
  return path.join(build.out, 'src', 'main', `${name}.js`);
}

/** The environment of a job's processes: ours, minus what would steer them elsewhere. */
export function baseEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.MR_ENDPOINT;
  delete env.MR_CRASH_SEED;
  delete env.MR_TRACE;
  delete env.MR_HOLD;
  delete env.MR_GATES;
  delete env.NODE_OPTIONS;
  return env;
}
