// The one command that replays a test on its seed, as a student types it in
// their own clone: `npm run test-<lab> -- --only <test> --seed S`, with the
// lab's options that change what the test does (Lab.replayFlags). It names the
// graded folder only when that is a folder the student has too (inside the
// current folder, not the lab's default): never a path of the grading machine.

import * as path from 'path';
import type { Lab } from './lab';

export function replayCommand(
  kit: string,
  lab: Lab,
  test: string,
  seed: string,
  impl: string,
  flags: string[] = [],
): string {
  const command = [`npm run ${lab.command} -- --only ${test} --seed ${seed}`, ...flags].join(' ');
  if (path.resolve(impl) === path.join(kit, lab.student.dir)) return command;
  const shown = path.relative(process.cwd(), impl);
  const local = shown !== '' && !shown.startsWith('..') && !path.isAbsolute(shown);
  return local ? `${command} --impl ${shown}` : command;
}
