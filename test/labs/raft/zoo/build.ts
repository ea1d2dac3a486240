// A defect of the zoo made and compiled: the reference solution copied,
// the defect's edits applied (each must match exactly once), and the result
// compiled as src/raft beside the kit's labrpc, ready for runSpec.

import * as fs from 'fs';
import * as path from 'path';
import { buildPeerCode, ROOT } from '../../../sim/build';
import { SOLUTION } from '../helpers';
import type { RaftDefect } from './defects';

/** Writes the defect's sources into `dir`/src and its build into `dir`/build; returns the build. */
export function buildDefect(defect: RaftDefect, dir: string): string {
  const source = path.join(dir, 'src');
  fs.cpSync(path.join(ROOT, SOLUTION), source, { recursive: true });
  for (const edit of defect.edits) {
    const file = path.join(source, edit.file);
    const text = fs.readFileSync(file, 'utf8');
    const count = text.split(edit.find).length - 1;
    if (count !== 1) throw new Error(`${defect.name}: the edit of ${edit.file} matches ${count} times, not once`);
    fs.writeFileSync(
      file,
      text.replace(edit.find, () => edit.replace),
    );
  }
  return buildPeerCode(path.join(dir, 'build'), ['src/labrpc', 'src/kit', { from: source, to: 'src/raft' }]);
}
