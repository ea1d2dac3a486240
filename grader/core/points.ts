// A lab's points: {"wc": 15, ...} in its points file, which the instructor
// edits. A test the file does not name is worth 0; a name that is no test of
// the lab is an error (a typo would otherwise silently give 0).

import * as fs from 'fs';
import * as path from 'path';
import { UsageError } from '../../src/kit/args';
import { Catalog } from './catalog';
import type { Lab } from './lab';

/** Points by the lab's own test ids. */
export type Points = Record<string, number>;

export function readPoints(kit: string, lab: Lab): Points {
  const file = path.join(kit, lab.points);
  let data: unknown;
  try {
    data = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new UsageError(`cannot read ${file}: ${(err as Error).message.split('\n')[0]}`);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new UsageError(`${file} must hold an object such as {"${new Catalog(lab).ids[0]}": 10, ...}`);
  }
  const ids = new Catalog(lab).ids;
  const points: Points = Object.fromEntries(ids.map((id) => [id, 0]));
  for (const [key, value] of Object.entries(data)) {
    if (!ids.includes(key)) throw new UsageError(`${file}: unknown test "${key}" (tests: ${ids.join(', ')})`);
    if (typeof value !== 'number' || !(value >= 0)) throw new UsageError(`${file}: "${key}" must be a number >= 0`);
    points[key] = value;
  }
  return points;
}
