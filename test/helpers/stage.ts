// The kit's compiled drivers and apps with the compiled reference solution
// as src/mr, optionally with edits: how the tests run a real job, or a job
// with one deliberate mistake, without the grader.

import * as fs from 'fs';
import * as path from 'path';
import { dist, ROOT } from './proc';

/** An exact replacement in one compiled file of the solution; `find` must occur exactly once. */
export interface Edit {
  file: string;
  find: string;
  replace: string;
}

/**
 * Copies dist/src into `stage` with a compiled reference solution over its
 * src/mr (the course's, or the challenge track's), then applies the edits.
 * `stage` must lie inside the kit (under .mr-build), so that the copied code
 * finds the kit's node_modules.
 */
export function stageSolution(
  stage: string,
  edits: Edit[] = [],
  which: 'solution' | 'solution-challenge' = 'solution',
): void {
  const solution = path.join(ROOT, 'dist', 'labs', 'mr', which);
  dist('src/main/mrcoordinator.js'); // fails with "run npm run build first" when missing
  dist(`labs/mr/${which}/coordinator.js`);
  fs.rmSync(stage, { recursive: true, force: true });
  fs.cpSync(path.join(ROOT, 'dist', 'src'), path.join(stage, 'src'), { recursive: true });
  for (const name of fs.readdirSync(solution)) {
    fs.copyFileSync(path.join(solution, name), path.join(stage, 'src', 'mr', name));
  }
  for (const { file, find, replace } of edits) {
    const full = path.join(stage, 'src', 'mr', file);
    const text = fs.readFileSync(full, 'utf8');
    const count = text.split(find).length - 1;
    if (count !== 1) throw new Error(`edit of ${file}: "${find}" occurs ${count} times, not once`);
    fs.writeFileSync(
      full,
      text.replace(find, () => replace),
    );
  }
}
