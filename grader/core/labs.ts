// Finding the labs: every folder of grader/labs/ whose manifest exports a
// `lab`. A new lab is a new folder; nothing else in the grader names it.

import * as fs from 'fs';
import * as path from 'path';
import { UsageError } from '../../src/kit/args';
import type { Lab } from './lab';

/** grader/labs/, wherever this code runs from (the sources, dist/ or dist-grader/). */
export function labsFolder(): string {
  return path.join(__dirname, '..', 'labs');
}

/** Every lab, in the course's order. */
export function loadLabs(folder = labsFolder()): Lab[] {
  const labs: Lab[] = [];
  for (const entry of fs.readdirSync(folder, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const manifest = path.join(folder, entry.name, 'manifest');
    let file: string;
    try {
      file = require.resolve(manifest);
    } catch {
      continue; // a folder of shared code, not a lab
    }
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- a manifest found at run time, by its folder's name
    const lab = (require(file) as { lab?: Lab }).lab;
    if (!lab || lab.id !== entry.name) throw new Error(`${file} must export a lab whose id is "${entry.name}"`);
    labs.push(lab);
  }
  return labs.sort((a, b) => a.order - b.order || (a.id < b.id ? -1 : 1));
}

/** The lab named on a command line. */
export function findLab(id: string | undefined, labs = loadLabs()): Lab {
  const names = labs.map((l) => l.id).join(', ');
  if (!id) throw new UsageError(`which lab? (${names})`);
  const lab = labs.find((l) => l.id === id || l.command === id);
  if (!lab) throw new UsageError(`no lab "${id}" (labs: ${names})`);
  return lab;
}
