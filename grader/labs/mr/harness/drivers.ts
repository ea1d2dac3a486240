// The kit's MapReduce drivers in a build: what a job's processes run.

import * as path from 'path';
import type { Build } from '../../../core/build';

/** The compiled driver scripts (src/main/*.ts). */
export function driver(build: Build, name: 'mrcoordinator' | 'mrworker' | 'mrsequential'): string {
  return path.join(build.out, 'src', 'main', `${name}.js`);
}
