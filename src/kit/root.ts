// Where the kit is. Its code runs from several places (src/ under ts-node,
// dist/ and dist-grader/ compiled, a grader's staging folder); the kit's root
// is the nearest folder above that holds its package.json and the grader's labs.

import * as fs from 'fs';
import * as path from 'path';

/** The kit's root folder, found from `from` (a module's __dirname) upwards. */
export function kitRoot(from: string = __dirname): string {
  for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json')) && fs.existsSync(path.join(dir, 'grader', 'labs'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`cannot find the kit's root (package.json and grader/labs) above ${from}`);
  }
}
