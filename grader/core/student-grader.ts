// The command line of a grader of one student's copy, as bulk grading and
// the Gradescope run start it: the kit's compiled grader, quiet, its
// diagnoses naming the student's folder as the student knows it, and, as
// root, never without the wall.

import * as path from 'path';
import type { Lab } from './lab';

export function studentGraderArgs(kit: string, lab: Lab, impl: string, label: string, more: string[]): string[] {
  const args = [
    path.join(kit, 'dist-grader', 'grader', 'cli.js'),
    lab.id,
    'quiet',
    '--impl',
    impl,
    '--impl-label',
    label,
  ];
  if (process.getuid?.() === 0) args.push('--require-wall'); // never grade a student as root without the wall
  return [...args, ...more];
}
